#!/bin/sh
cat <<'USAGE' >&2
usage: print-help.sh
USAGE
echo "The optional assistant needs: pip install openai"
