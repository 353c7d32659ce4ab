"""Change control: a pull request compared with its base commit (PG7xx).

The base is read from git objects (:mod:`prodgate.gitobjects`), never checked out; the
comparison rules live in :mod:`prodgate.rules.change`.
"""
