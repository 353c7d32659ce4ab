"""The one registry of rules that every reporter reads.

Ids are stable: a rule may be retired but its id is never reused, because ids end up
in SARIF fingerprints, exception tickets and suppressions. The ``help`` text is what
``prodgate explain`` prints and what SARIF carries as ``help``.
"""

from __future__ import annotations

from dataclasses import dataclass

from prodgate.findings import Finding, Location, Severity


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    severity: Severity
    help: str
    references: tuple[str, ...] = ()
    at_deploy: Severity | None = None
    """The default severity at the deploy gate, when it is stricter than at merge."""

    def severity_at(self, gate: str) -> Severity:
        """The default severity at ``gate`` (``merge`` or ``deploy``); a policy's
        ``rules:`` entry overrides it at both."""
        return self.at_deploy if gate == "deploy" and self.at_deploy is not None else self.severity

    @property
    def default_text(self) -> str:
        """The default severity as docs and ``explain`` show it."""
        return self.severity.value + (f" (deploy: {self.at_deploy.value})" if self.at_deploy else "")

    @property
    def area(self) -> str:
        return _AREAS.get(self.id[:3], "other")

    def finding(
        self,
        message: str,
        location: Location,
        *,
        asset: str | None = None,
        fix: str = "",
        requirement: str | None = None,
        related: Location | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule at its default severity unless told otherwise."""
        return Finding(
            rule_id=self.id,
            severity=severity or self.severity,
            message=message,
            location=location,
            asset=asset,
            fix=fix,
            requirement=requirement,
            related=related,
        )


_AREAS = {
    "PG1": "declaration",
    "PG2": "artifacts",
    "PG3": "evals",
    "PG4": "risk",
    "PG5": "exceptions",
    "PG6": "ownership",
    "PG7": "change-control",
    "PG8": "discovery",
    "PG9": "agents",
}

E, W, N = Severity.ERROR, Severity.WARNING, Severity.NOTE
NIST_GOVERN = "NIST AI RMF GOVERN 1.1"
ISO42001 = "ISO/IEC 42001:2023"

_ALL = [
    # -- declaration ---------------------------------------------------------------
    Rule("PG101", "yaml-invalid", "ai-asset.yaml is not valid YAML", E,
         "The declaration could not be parsed: a syntax error, a duplicate key, a tag "
         "outside plain YAML, or aliases that expand beyond the bound (a YAML bomb). "
         "Fix the YAML at the line given; duplicate keys are refused because YAML "
         "parsers silently keep only the last one."),
    Rule("PG102", "file-unreadable", "ai-asset.yaml cannot be read", E,
         "The declaration is empty, too large, binary or not UTF-8. Declarations are "
         "small text files; keep them so."),
    Rule("PG103", "schema-invalid", "ai-asset.yaml does not match the schema", E,
         "A key is missing, a value has the wrong type, a value is not one of the "
         "allowed ones, or a value is still a placeholder: a person, e-mail address, "
         "team, model, provider, data source, ticket or reason written as `<name>`, "
         "`<email>`, `<model>`, `TBD`, `n/a` or text the policy's `placeholders` match. "
         "The examples in prodgate's fix messages are such placeholders on purpose: "
         "pasted without editing they still fail, with \"fill in\". An exception's "
         "approvers and owners are judged the same way (PG501, PG502). "
         "The message names the key path; `prodgate schema` prints the "
         "full JSON Schema, and the `yaml-language-server` comment gives editors "
         "completion and checks while typing."),
    Rule("PG104", "unknown-key", "ai-asset.yaml has an unknown key", E,
         "Unknown keys are errors, so that a typo (`runbok:`) never silently drops a "
         "control. The message suggests the closest known key."),
    Rule("PG105", "duplicate-name", "Two assets share a name", E,
         "Asset names are unique in a repository: the inventory, exceptions and "
         "reports address assets by name."),
    Rule("PG106", "declaration-misnamed", "A file looks like a declaration but is not read", E,
         "prodgate reads declarations only from files named exactly `ai-asset.yaml` or "
         "`ai-asset.yml`. A near miss (`ai-assets.yaml`, `ai_asset.yaml`, "
         "`AI-Asset.yaml`) is read by nobody, so the asset it describes would pass "
         "every gate unseen. Rename the file."),
    # -- artifacts -----------------------------------------------------------------
    Rule("PG201", "artifact-not-declared", "Required artifact is not declared", E,
         "The policy requires this artifact for the asset's tier and stage. Declare it "
         "under `artifacts:` and write it; `prodgate init --add-missing DIR` declares it and "
         "creates a stub from the template.", (NIST_GOVERN, ISO42001)),
    Rule("PG202", "artifact-missing", "Declared artifact file does not exist", E,
         "The path under `artifacts:` is relative to the directory of ai-asset.yaml "
         "and must point at a file in the repository."),
    Rule("PG203", "artifact-outside-repo", "Artifact path leaves the repository", E,
         "Paths in a declaration may not be absolute, use `..` to leave the repository "
         "or point through a symlink outside it: evidence must be part of the change "
         "that is reviewed."),
    Rule("PG204", "artifact-unfilled", "Artifact is still the template", E,
         "The artifact still contains placeholder text (`TODO`, `TBD`, `<fill in>`, "
         "`[More Information Needed]`, unrendered `{{ ... }}`). Replace every "
         "placeholder with the real content."),
    Rule("PG205", "artifact-empty", "Artifact is empty", E,
         "The artifact has no content beyond headings and whitespace."),
    Rule("PG206", "artifact-section-missing", "Required section is missing", E,
         "The policy requires a heading in this artifact (matched case-insensitively, "
         "any heading level). Add the section with real content."),
    Rule("PG207", "artifact-section-empty", "Required section is empty", E,
         "The required heading is present but the text under it is empty."),
    Rule("PG208", "artifact-unreadable", "Artifact cannot be read", E,
         "The artifact is binary, not UTF-8, too large, or not a regular file."),
    Rule("PG209", "artifact-unknown-kind", "Unknown artifact kind", W,
         "The key under `artifacts:` is not an artifact kind the policy knows, so "
         "nothing checks it. Use one of the policy's kinds (`prodgate policy` lists "
         "them)."),
    # -- evals ---------------------------------------------------------------------
    Rule("PG301", "evals-missing", "Required eval results are not declared", E,
         "The policy requires evaluation evidence for this tier and stage: declare at "
         "least one entry under `evals:` with a results file and thresholds "
         "(`prodgate init --eval NAME=FORMAT:PATH` declares one with the policy's minimums). "
         "The results are the evidence that the eval ran, so prodgate never writes them: "
         "the smallest file it reads is `format: prodgate/eval/v1` with "
         "`metrics: { pass_rate: 0.93 }`, or the tool's own output (promptfoo `-o`, "
         "lm-eval `--output_path`, pytest `--junitxml`).",
         ("NIST AI RMF MEASURE 2.3", "EU AI Act Art. 15")),
    Rule("PG302", "eval-results-missing", "Eval results file does not exist", E,
         "The `results:` path of an eval entry must point at the results file the eval "
         "tool wrote, committed in the repository."),
    Rule("PG303", "eval-results-unreadable", "Eval results file cannot be read", E,
         "The results file is binary, not UTF-8 text, not a regular file, or larger "
         "than the size bound (50 MiB). Commit the summary the eval tool writes "
         "(`promptfoo eval -o results.json`, lm-eval's `results_*.json`, "
         "`pytest --junitxml`), not raw outputs, archives or databases."),
    Rule("PG304", "eval-results-corrupt", "Eval results file is broken or empty", E,
         "The results file is not valid JSON, XML or YAML, ends early (a truncated "
         "write), or holds no results at all (no test cases, no metrics, a model-index "
         "entry without its dataset). The message gives the line in the results file. "
         "Re-run the eval and commit its complete output. XML that declares a DOCTYPE "
         "or ENTITY is refused: entity expansion is not allowed in evidence files."),
    Rule("PG305", "eval-results-wrong-format", "Eval results are not in the declared format", E,
         "The content is not in the format `format:` names, or `format: auto` "
         "recognised none. Supported: prodgate, promptfoo (output version 3), lm-eval, "
         "hf-model-index (model card front matter or `.eval_results/*.yaml`) and junit. "
         "The message says which format the content looks like when it can tell."),
    Rule("PG306", "eval-threshold-missed", "Eval metric misses its threshold", E,
         "A metric in the results file does not meet the threshold under "
         "`thresholds:`. Improve the system and re-run the eval; lowering the "
         "threshold is a change reviewers see in the same diff.",
         ("NIST AI RMF MEASURE 2.3", "EU AI Act Art. 15")),
    Rule("PG307", "eval-metric-unknown", "Threshold names a metric the results do not contain", E,
         "A threshold can only be checked against a metric the results file holds. The "
         "message lists the metrics it does contain. Names by format: promptfoo "
         "`pass_rate`, `test_pass_count`, `test_fail_count`, `error_count`, `cost`, "
         "`latency_ms_mean` and each named score; lm-eval `task/metric` "
         "(`arc_easy/acc`); hf-model-index `dataset/metric` (`beans/accuracy`); junit "
         "`tests`, `passed`, `failures`, `errors`, `skipped`, `pass_rate`."),
    Rule("PG308", "eval-stale-age", "Eval results are older than allowed", E,
         "Results older than `max_age_days` are stale: the eval's own limit and the "
         "policy's limit for the tier both apply, the stricter wins. Age counts from "
         "the run time the file states (promptfoo `timestamp`, lm-eval `date`, JUnit "
         "`timestamp`, prodgate `run_at`, `.eval_results` `date`), else from the "
         "file's last commit. Re-run the eval and commit the results.",
         ("NIST AI RMF MEASURE 4.2",)),
    Rule("PG309", "eval-stale-inputs", "Eval inputs changed after the results", E,
         "A commit that is not an ancestor of the one that last changed the results "
         "file (`git log RESULTS..HEAD`: later on the same branch, or on a branch "
         "merged since, whatever its date) changed what the results depend on: a file "
         "matching the eval's `inputs:` (default: the asset's `paths:`, else every file "
         "in the asset's folder except the results files and the declared artifacts), "
         "such as a prompt or model settings, or the `models:` of ai-asset.yaml. The "
         "results no longer describe the system; re-run the eval and commit the new "
         "results.",
         ("NIST AI RMF MEASURE 4.2",)),
    Rule("PG310", "eval-history-shallow", "Git history too shallow to judge eval freshness", W,
         "The checkout is a shallow clone. What its history shows is judged (PG308, "
         "PG309); this warning says what it cannot show: commits after the results "
         "that the clone lacks, or, when the results were committed before the "
         "clone's oldest commit, their age. A warning at the merge gate, an error at the "
         "deploy gate, which cannot release what it cannot show to be fresh. In GitHub "
         "Actions set `fetch-depth: 0` on `actions/checkout`."),
    Rule("PG311", "eval-model-mismatch", "Eval ran against a model the asset does not declare", E,
         "The results file names the model or provider it ran against (promptfoo "
         "`provider`, lm-eval `config.model_args`, prodgate `model`) and it matches "
         "no entry of `models:`. Either the eval tested another model than the one in "
         "production, or `models:` is out of date. Matching tolerates spellings such "
         "as `openai:gpt-4o-mini` or `gpt-4o-mini-2024-07-18` for provider openai, "
         "name gpt-4o-mini.",
         ("NIST AI RMF MEASURE 2.3",)),
    Rule("PG312", "eval-category-missing", "Required eval category is missing", E,
         "The policy requires, for this tier, at least one eval in the category "
         "named (for example `safety` for enterprise: a red-team or harmful-content "
         "run). Mark the eval with `category:`, or add one.",
         ("NIST AI RMF MEASURE 2.7", "EU AI Act Art. 15")),
    Rule("PG313", "eval-count-too-low", "Fewer evals than the policy requires", E,
         "The policy sets a minimum number of evals for the tier. Declare more evals "
         "under `evals:`."),
    Rule("PG314", "eval-policy-threshold-missed", "Eval metric misses the policy minimum", E,
         "The policy sets a minimum for this metric at this tier (for example "
         "`pass_rate >= 0.95` for enterprise). It applies to every eval that reports "
         "the metric, whatever the declaration's own threshold says.",
         ("NIST AI RMF MEASURE 2.3", "EU AI Act Art. 15")),
    Rule("PG315", "eval-policy-metric-missing", "No eval reports a metric the policy requires", E,
         "The policy sets a minimum for a metric at this tier, and none of the "
         "asset's results files reports it. Add an eval whose results contain the "
         "metric (for example a promptfoo or JUnit run for `pass_rate`)."),
    Rule("PG316", "eval-run-time-future", "Eval results state a run time in the future", E,
         "The run time the results file states is after the commit that added the "
         "file, or after today: a run cannot happen after its results were committed, "
         "and a future time would keep the results from ever growing too old. The age "
         "then counts from the commit. Re-run the eval on a machine whose clock is "
         "right (a time without a time zone is allowed 14 hours of difference, one with "
         "a time zone one hour).",
         ("NIST AI RMF MEASURE 4.2",)),
    Rule("PG317", "eval-history-missing", "No git history to judge eval freshness", W,
         "The asset's evals have results, but the checkout has no git history to compare "
         "them with: it is not a git checkout (an export such as `git archive`, or a copy "
         "without `.git`), or there is no git program to read it. Whether a prompt, the "
         "code or the declared models changed after the results (PG309) cannot be "
         "established, so a stale eval would pass as fresh. One finding per asset: a "
         "warning at the merge gate, an error at the deploy gate. Run the gate in a full "
         "git clone; in GitHub Actions set `fetch-depth: 0` on `actions/checkout`.",
         ("NIST AI RMF MEASURE 4.2",)),
    # -- risk ----------------------------------------------------------------------
    Rule("PG401", "tier-below-risk-floor", "Tier is below what the risk facts demand", E,
         "Risk facts set a minimum tier: customer-facing, regulated, autonomous systems "
         "and systems deciding about people are enterprise; personal or restricted "
         "data is at least departmental; an agent with a tool that writes, executes, "
         "communicates or pays with no person confirming each call (`approval: none`) is at "
         "least departmental, and enterprise when such a tool pays or messages people outside "
         "the organisation (docs/agents.md). Raise the tier or correct the facts.",
         ("EU AI Act Art. 6", "NIST AI RMF MAP 1.1")),
    Rule("PG402", "classification-inconsistent", "Data classification contradicts its content", E,
         "A data source holding personal data cannot be classified public or internal.",
         ("GDPR Art. 4(1)",)),
    Rule("PG403", "risk-artifact-missing", "Artifact required by a risk fact is not declared", E,
         "A risk fact adds a requirement regardless of tier: personal data needs a "
         "privacy review (a DPIA), autonomy needs human oversight in the fallback plan, an "
         "agent acting with no person confirming its calls needs a section on stopping it "
         "(\"Stopping the agent\") in the fallback plan.",
         ("GDPR Art. 35", "EU AI Act Art. 14")),
    # -- exceptions ----------------------------------------------------------------
    Rule("PG501", "exception-approval-missing", "Exception lacks a required approval", E,
         "An exception needs the approval of every role the policy names (by default "
         "the business executive, the IT executive and the accountable process owner). "
         "An incompletely approved exception waives nothing."),
    Rule("PG502", "exception-owner-missing", "Exception lacks a named owner", E,
         "An exception names an owner for each area the policy lists (by default risk, "
         "support, funding, lifecycle and compliance). Without them it waives nothing."),
    Rule("PG503", "exception-expired", "Exception has expired", E,
         "An expired exception waives nothing. Meet the requirement, or renew the "
         "exception with fresh approvals and a new expiry date."),
    Rule("PG504", "exception-too-long", "Exception lasts longer than the policy allows", E,
         "Exceptions are time-boxed: from `granted` to `expires` may not exceed the "
         "policy's maximum duration. An over-long exception waives nothing."),
    Rule("PG505", "exception-expiring", "Exception expires soon", W,
         "The exception expires within the warning window. Plan the work or the "
         "renewal now, before the gate starts failing."),
    Rule("PG506", "exception-unused", "Exception waives nothing", W,
         "No finding matches the exception's requirement: it is stale or misnamed. "
         "Remove it, or correct `requirement:` (see `prodgate policy` for the names)."),
    Rule("PG507", "exception-approval-unverified", "Exception approval is not proven by a pull request review", E,
         "The policy sets `exceptions.verify: pull-request-reviews`, so an exception that "
         "the change adds or edits counts only when every approver it names approved the "
         "pull request's current head commit on GitHub, from an account with write access to "
         "the repository (GitHub's `author_association` OWNER, MEMBER or COLLABORATOR; the "
         "policy's `approvers:` narrow this further). Name each approver with their "
         "account (`it_executive: {name: Samuel Osei, github: sosei}`) and ask them to "
         "approve the pull request; an approval of an older commit is stale (the change "
         "moved on since), and the pull request's author can never approve their own "
         "exception. Until then the exception waives nothing."),
    Rule("PG508", "exception-approver-not-allowed", "Approver is not allowed for the role", E,
         "The policy lists, under `exceptions.approvers`, the GitHub accounts that may "
         "approve for each role, and the approval names someone else (or no account at "
         "all). The exception waives nothing until an allowed approver approves."),
    Rule("PG509", "exception-approvers-not-distinct", "One person approves in two roles", E,
         "An exception needs the agreement of different people: the business executive, "
         "the IT executive and the process owner are three checks, not one. The same "
         "GitHub account, or the same name where no account is given, fills two roles "
         "here, so the exception waives nothing. Names are compared as they look: after "
         "Unicode normalisation and confusable folding, so a Latin name typed with Cyrillic "
         "letters is the same name (and two accounts whose names only look alike are one "
         "person). A name that mixes scripts is refused as a name (PG501, PG502). A policy can allow it with "
         "`exceptions: {distinct_approvers: false}`. The asset's owner and business owner "
         "may never approve its exceptions: that is two roles too, whatever the policy."),
    Rule("PG510", "exception-granted-in-future", "Exception is granted after today", E,
         "`granted` lies after the day of the run, so the approvals it records have not been "
         "given yet, and the maximum duration, counted from the earlier of `granted` and "
         "today, cannot be pushed into the future by it. The exception waives nothing."),
    # -- ownership and review ------------------------------------------------------
    Rule("PG601", "owner-missing", "No named owner", E,
         "Every asset has a named, accountable person as `owner` with an email.",
         (NIST_GOVERN, ISO42001)),
    Rule("PG602", "business-owner-missing", "No business owner", E,
         "Managed tiers name a business owner accountable for the outcome, besides "
         "the technical owner."),
    Rule("PG603", "review-overdue", "Periodic review is overdue", E,
         "Each tier has a review cadence. Review the asset and update "
         "`review.last_reviewed`."),
    Rule("PG604", "review-missing", "No review date", E,
         "Tiers with a review cadence need `review.last_reviewed`."),
    Rule("PG605", "review-in-future", "Review date is in the future", E,
         "`review.last_reviewed` is later than today; use the date the review took "
         "place."),
    Rule("PG606", "owner-not-codeowner", "Declared owner is not a code owner", W,
         "`owner.github` names the team or person accountable for the asset; CODEOWNERS "
         "decides who must approve changes to it. When they differ, changes to the "
         "asset's declaration and evidence are approved by someone other than its owner. "
         "Add the owner to the CODEOWNERS rule covering the asset, or correct "
         "`owner.github`."),
    # -- change control ------------------------------------------------------------
    Rule("PG701", "declaration-weakened", "Declaration weakened since the base commit", E,
         "Compared with the base commit, the change weakens the declaration: the tier is "
         "lower, the stage moved back (production -> pilot -> sandbox; retiring is not a "
         "step back), a risk fact was switched off (customer_facing, regulated, "
         "decisions_about_people, personal_data), autonomy moved towards more human "
         "control, a data classification was lowered, an artifact or an eval was removed, "
         "or a threshold was loosened, or the agent can do more: a tool with a kind of effect "
         "none of its tools had (read to write, a payment tool), a tool no person confirms "
         "any more (`approval: human` dropped), an MCP server from a new source or with more "
         "`access`, or a tool "
         "declared to do less under its name (a weaker effect, a messaging tool made "
         "internal). Tools are "
         "compared by effect and servers by source, so a rename hides nothing. Data sources are compared by what they hold: a "
         "source removed or renamed whose classification (or personal data) no source of "
         "the change still holds is a weakening, whatever the new names. The gate would otherwise judge the weakened asset "
         "as if it had always been so. A declaration the change edits whose base version "
         "is not valid YAML or not a valid declaration cannot be compared, so the edit "
         "itself is the finding. A new declaration that takes over code another asset "
         "covered at the base (nested in its folder, or claiming it with `paths:`) is a "
         "weakening of that asset when the new one has a lower tier or stage: code moved "
         "to a lower-tier asset. A declaration is compared with its base by identity, not "
         "by name: the same path, git's rename detection of the file, the same folder, the "
         "code it covers, and last the name; a rename or move says so in the finding. "
         "Restore the field, or add an exception with `requirement: PG701` approved on the "
         "pull request that makes the change.",
         (NIST_GOVERN, ISO42001)),
    Rule("PG702", "policy-changed", "The change edits the gate's policy", N,
         "The change edits the repository's policy file. The gate judged it by the policy "
         "of the base commit: the edit takes effect after merge. The policy's code owners "
         "(CODEOWNERS) should review it."),
    Rule("PG703", "declaration-removed", "Declaration removed while its files remain", E,
         "An ai-asset.yaml was deleted (valid at the base commit or not) and no "
         "declaration of the change is its asset (by path, rename, folder or the code it "
         "covers), while files it covered, or their renamed successors, are still in the "
         "repository, whatever discovery finds in them (the same change could hide the "
         "AI use): the AI system would leave the inventory and the gate without being "
         "retired. A declaration at a stage the policy lists in "
         "`change_control.removable_stages` (default: sandbox) may go. Set `stage: "
         "retired` and remove the AI use (a retired asset that still shows it is PG805), "
         "remove the files too, or add an exception with `requirement: "
         "PG703` (in the declaration that now covers the files) approved on the pull "
         "request.",
         (NIST_GOVERN,)),
    Rule("PG704", "base-unavailable", "Base commit not in the checkout", W,
         "The base commit to compare with is not in the checkout, usually because it is a "
         "shallow clone. Weakened or removed declarations cannot be detected. A warning at "
         "the merge gate, an error at the deploy gate. In GitHub Actions set "
         "`fetch-depth: 0` on `actions/checkout`."),
    Rule("PG705", "approval-verification-skipped", "Exception approvals were not verified", N,
         "The policy asks for approvals to be verified against pull request reviews, but "
         "this run has no pull request or no token to read them with, so the approvals "
         "are taken as written and recorded as not verified. The gate on the pull "
         "request verifies them. An exception for a change-control rule (PG701, PG703, "
         "PG706) is always verified, whatever the policy says: here it is pending "
         "verification and waives nothing, so a local run fails where the pull request "
         "would need its approvers' reviews. Such an exception counts only for the pull "
         "request that adds or changes it; merged and unchanged, it waives nothing new."),
    Rule("PG706", "coverage-claimed", "Declaration claims code beyond its folder", E,
         "A declaration's `paths:` reach outside its own folder (`..`), claim files in the "
         "folder of another declaration, or, at the repository root, claim everything "
         "(`**`). The nearest declaration above a file owns it, so such a claim cannot take "
         "code over, but it makes coverage ambiguous and lets one asset's declaration speak "
         "for another's code. Narrow `paths:` to the declaration's own folder, move the "
         "declaration, or have the policy allow it for that declaration "
         "(`change_control.wide_coverage`, with a reason)."),
    # -- discovery -----------------------------------------------------------------
    Rule("PG801", "undeclared-ai-use", "Undeclared AI use", E,
         "Discovery found AI use (an SDK import, a dependency, an API endpoint or "
         "credential, a model identifier or model weights) in a file that no "
         "declaration covers. An organisation cannot govern AI it does not know "
         "about: declare the asset that owns the code with `prodgate init` in its "
         "folder, or add the file to an existing declaration's `paths:`. The policy "
         "may exempt paths (`discovery.exempt`, each with a `reason`); no comment in "
         "the code can silence a detection. `prodgate discover` lists every detection.",
         (NIST_GOVERN, "NIST AI RMF MAP 1.1", ISO42001)),
    Rule("PG802", "undeclared-model", "Model or provider in use is not declared", W,
         "Code covered by this asset uses a model provider or a model that its "
         "`models:` does not list. Reviews, evals and exceptions are judged against "
         "the declared models, so add the provider and model under `models:` (or "
         "remove the use). Frameworks that run any model (langchain, torch) are not "
         "compared.", ("NIST AI RMF MAP 2.1",)),
    Rule("PG803", "declaration-without-ai-use", "Declaration covers no AI use", N,
         "The files this declaration covers (its `paths:`, by default its folder) "
         "include source or configuration, but discovery finds no AI use in any of "
         "them. Often `paths:` points at the wrong place, so the real code is "
         "undeclared; or the asset was retired and its declaration stayed."),
    Rule("PG804", "discovery-file-skipped", "File not scanned for AI use", W,
         "Discovery reads files of a known kind up to a size limit and as text; this "
         "one was too large, binary where text was expected (a NUL byte), unreadable, "
         "a symbolic link to outside the repository, or a submodule that is not checked "
         "out, so it was not scanned and any AI use in it is out of sight. A warning at "
         "the merge gate and an error at the deploy gate by default; the policy's "
         "`rules: {PG804: {severity: ...}}` sets it at both. Review the file by hand, "
         "keep source and configuration small text files, or raise `max_file_bytes` in "
         "the catalogue.", at_deploy=E),
    Rule("PG805", "retired-asset-in-use", "Retired asset still shows AI use", E,
         "The asset is declared `stage: retired`, but discovery still finds AI use (an "
         "SDK import, a dependency, an API endpoint or credential, a model identifier or "
         "model weights) in the files it covers. Retiring takes an asset out of the "
         "stage requirements, so it must mean the AI system is gone: remove the AI use "
         "from the code, or declare the stage it is really at. Reported at the merge and "
         "the deploy gate, whenever discovery runs (the default).",
         (NIST_GOVERN,)),
    # -- agents --------------------------------------------------------------------
    Rule("PG901", "mcp-server-undeclared", "MCP server in the code is not declared", E,
         "Discovery found an MCP server (in an MCP configuration file such as `.mcp.json`, or "
         "in code that runs or connects to one) in files this asset covers, and its "
         "`agent.mcp_servers` lists no server with that source. Servers are matched by what "
         "they run from (package, image or URL, without version or tag), so renaming a server "
         "does not declare another one. Declare it (`- name: …, source: …, access: [...]`) "
         "so that reviews and the policy's allow-list see it, or remove it. "
         "See docs/agents.md.",
         (NIST_GOVERN, "OWASP Top 10 for LLM Applications LLM06")),
    Rule("PG902", "tool-undeclared-effect-unknown", "Agent tool in the code is not declared, effect unknown", E,
         "Discovery found a tool the code gives the model (`@tool`, `@function_tool`, "
         "`Agent(tools=[...])`, `tools=[...]` of a chat call, an MCP server's `@mcp.tool()`) "
         "whose name is not under `agent.tools`, and what it does cannot be told from the "
         "code. An agent's tools are what it can do: declare the tool with its `effect` "
         "(read, write, execute, communicate, payment) and `approval` (human or none). An "
         "error by default; the policy's `rules:` may set it.",
         (NIST_GOVERN, "OWASP Top 10 for LLM Applications LLM06")),
    Rule("PG903", "tool-undeclared", "Agent tool in the code is not declared", W,
         "As PG902, for a tool whose effect discovery can tell (the message says which): "
         "declare it under `agent.tools` with that effect. A warning by default; the "
         "policy's `rules:` may make it an error.",
         ("OWASP Top 10 for LLM Applications LLM06",)),
    Rule("PG904", "mcp-server-not-allowed", "MCP server is not on the policy's allow-list", E,
         "The policy lists the MCP servers the organisation approves "
         "(`agents: {mcp_servers: {allowed: [...]}}`, by source), and this one, declared "
         "under `agent.mcp_servers` or found in code or an MCP configuration file, is not "
         "among them, wherever it is and whether an asset declares it or not. Sources are "
         "compared without version, tag, digest, query or letter case. Use an approved "
         "server, or have the policy's owners add it.",
         (NIST_GOVERN, "OWASP Top 10 for LLM Applications LLM06")),
    Rule("PG905", "tool-effect-understated", "Agent tool is declared with another effect than it has", E,
         "Discovery knows what this tool does (a framework's shell tool executes, a payment "
         "toolkit pays), and `agent.tools` declares it, under the same name, with another "
         "effect. The declared effect sets the risk floors and change control, so it must be "
         "the real one: declare the effect discovery names.",
         ("OWASP Top 10 for LLM Applications LLM06",)),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _ALL}


def lookup(key: str) -> Rule | None:
    """A rule by id (case-insensitive) or by name."""
    key = key.strip()
    rule = RULES.get(key.upper())
    if rule is not None:
        return rule
    return next((r for r in _ALL if r.name == key.lower()), None)
