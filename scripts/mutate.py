#!/usr/bin/env python3
"""Mutation check for voc's central guarantees (issue 11).

For each mutation: copy the repository to a scratch directory, apply one
precise edit to the production code, run the few tests that must catch it,
and report. Exits non-zero when a mutation survives (its tests pass) or when
a mutation no longer applies (the code it targets moved: update this file).

Usage: scripts/mutate.py [NAME ...]   (no names: all mutations)
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Each mutation: name, [(file, old, new)], package, test regexp.
MUTATIONS = [
    ("next jobs inserted in a second transaction",
     [("jobs/batch.go",
       """	return store.InTx(ctx, pool, func(tx pgx.Tx) error {
		next, err := write(tx)
		if err != nil {
			return err
		}""",
       """	var next []river.InsertManyParams
	if err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		var err error
		if next, err = write(tx); err != nil {
			return err
		}""",
       ),
      ("jobs/batch.go",
       """		if err := insertMany(ctx, tx, next); err != nil {
			return err
		}
		if err := testHookBeforeCommit(ctx, job.Kind); err != nil {
			return err
		}
		return complete(ctx, tx, job)
	})
}""",
       """		if err := testHookBeforeCommit(ctx, job.Kind); err != nil {
			return err
		}
		return complete(ctx, tx, job)
	}); err != nil {
		return err
	}
	return store.InTx(ctx, pool, func(tx pgx.Tx) error { return insertMany(ctx, tx, next) })
}"""),
      # The batch stages' commit (translation, insights, themes) likewise.
      ("jobs/batch.go",
       """	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		if err := store.AsyncCommit(ctx, tx); err != nil {
			return err
		}
		if err := insertMany(ctx, tx, next); err != nil {
			return err
		}""",
       """	err := store.InTx(ctx, pool, func(tx pgx.Tx) error {
		if err := store.AsyncCommit(ctx, tx); err != nil {
			return err
		}"""),
      ("jobs/batch.go",
       """	if err == nil || (recorded > 0 && completedAnyway(ctx, pool, job.ID)) {
		calls.Written(recorded)
	}
	return err
}""",
       """	if err == nil || (recorded > 0 && completedAnyway(ctx, pool, job.ID)) {
		calls.Written(recorded)
	}
	if err == nil {
		err = store.InTx(ctx, pool, func(tx pgx.Tx) error { return insertMany(ctx, tx, next) })
	}
	return err
}""")],
     "./jobs", "^TestEveryHopCommitsOnce$"),

    ("insights stage commits its results separately",
     [("jobs/insights.go",
       """	return commitBatch(ctx, w.pool, job, next, func(tx pgx.Tx) error {
		return store.InsightsApply(ctx, tx, a.ID, done, sentiments, rows, fails)
	})""",
       """	if err := store.InTx(ctx, w.pool, func(tx pgx.Tx) error {
		return store.InsightsApply(ctx, tx, a.ID, done, sentiments, rows, fails)
	}); err != nil {
		return err
	}
	return commitBatch(ctx, w.pool, job, next, func(tx pgx.Tx) error { return nil })""")],
     "./jobs", "^TestEveryHopCommitsOnce$"),

    ("stage commits skip the cancel guard",
     [("store/control.go",
       """	if err := q(tx).AnalysisCommitGuard(ctx, id); err != nil {""",
       """	if err := error(nil); err != nil {""")],
     "./store", "^TestCommitGuardOrdersCancel$"),

    ("theme commits queue no progress fold",
     [("jobs/themes.go",
       """	next := append(rest.job(a.ID, func(b BatchArgs) river.JobArgs { return ThemeArgs(b) }), foldJob(a.ID))""",
       """	next := rest.job(a.ID, func(b BatchArgs) river.JobArgs { return ThemeArgs(b) })""")],
     "./jobs", "^TestEveryHopCommitsOnce$"),

    ("quote check off for insights (provider validation)",
     [("llm/clean.go",
       """			name, ok := dims[DimensionKindFor(it.Type)][nameKey(it.Dimension)]
			if _, found := LocateQuote(it.Quote, rev); !ok || !found {""",
       """			name, ok := dims[DimensionKindFor(it.Type)][nameKey(it.Dimension)]
			if _, _ = LocateQuote(it.Quote, rev); !ok {""")],
     "./jobs", "^TestStoredQuotesAreExact$"),

    ("quote check off for insights (stored span)",
     [("jobs/insights.go",
       """			span, ok := llm.LocateQuote(in.Quote, texts[id])
			if !ok {""",
       """			span, ok := llm.QuoteSpan{}, len(texts) >= 0
			if !ok {""")],
     "./jobs", "^TestStoredQuotesAreExact$"),

    ("quote check off for tags (provider validation)",
     [("llm/clean.go",
       """			name, ok := libs[tg.Type][nameKey(tg.Label)]
			if _, found := LocateQuote(tg.Quote, rev); !ok || !found {""",
       """			name, ok := libs[tg.Type][nameKey(tg.Label)]
			if _, _ = LocateQuote(tg.Quote, rev); !ok {""")],
     "./jobs", "^TestStoredQuotesAreExact$"),

    ("quote check off for tags (stored span)",
     [("jobs/themes.go",
       """			span, ok := llm.LocateQuote(t.Quote, texts[id])
			if !ok {""",
       """			span, ok := llm.QuoteSpan{}, len(texts) >= 0
			if !ok {""")],
     "./jobs", "^TestStoredQuotesAreExact$"),

    ("store.InTx commits on error",
     [("store/store.go",
       """	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {""",
       """	if err := fn(tx); err != nil {
		_ = tx.Commit(ctx)
		return err
	}
	if err := tx.Commit(ctx); err != nil {""")],
     "./store", "^TestInTxRollsBackOnError$"),

    ("LLM call counter skips repairs",
     [("llm/openai.go",
       """	observeCall(c)
	if o.recorder != nil {""",
       """	observeCall(c)
	if o.recorder != nil && !c.Repair {""")],
     "./llm", "^(TestOpenAIMalformedExhaustsRepair|TestOpenAIRepairSucceeds)$"),

    ("a lost commit acknowledgement records the calls twice",
     [("jobs/batch.go",
       """	if err == nil || (recorded > 0 && completedAnyway(ctx, pool, job.ID)) {""",
       """	if err == nil {""")],
     "./jobs", "^TestLostCommitAckRecordsCallsOnce$"),
]


def copy_repo(dst):
    # The files git knows (tracked or new, not ignored), so the scratch copy
    # is what a clone of the working tree would hold.
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                         check=True, capture_output=True).stdout.decode()
    for rel in filter(None, out.split("\0")):
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src) or rel.startswith("webui/node_modules/"):
            continue
        os.makedirs(os.path.dirname(os.path.join(dst, rel)) or dst, exist_ok=True)
        shutil.copy2(src, os.path.join(dst, rel))


def main(names):
    selected = [m for m in MUTATIONS if not names or m[0] in names]
    scratch = tempfile.mkdtemp(prefix="voc-mutate-")
    repo = os.path.join(scratch, "voc")
    failed = []
    try:
        os.makedirs(repo)
        copy_repo(repo)
        for name, edits, pkg, run in selected:
            originals = {}
            ok = True
            for path, old, new in edits:
                p = os.path.join(repo, path)
                text = originals.setdefault(path, open(p, encoding="utf-8").read())
                cur = open(p, encoding="utf-8").read()
                if cur.count(old) != 1:
                    print(f"MUTATION DOES NOT APPLY: {name}: {path} no longer holds the target code", flush=True)
                    ok = False
                    break
                open(p, "w", encoding="utf-8").write(cur.replace(old, new))
            if ok:
                start = time.time()
                # Not -trimpath: dependencies then come from the build cache
                # the main test run filled, and the repository's unchanged
                # packages are built once per run (the scratch path is the
                # same for every mutant).
                env = dict(os.environ, GOFLAGS=os.environ.get("GOFLAGS", "") + " -buildvcs=false")
                res = subprocess.run(["go", "test", "-count=1", "-vet=off", "-timeout", "5m", "-run", run, pkg],
                                     cwd=repo, env=env, capture_output=True, text=True)
                took = time.time() - start
                if res.returncode == 0:
                    print(f"SURVIVED ({took:.0f}s): {name}  [go test -run '{run}' {pkg} passed]", flush=True)
                    failed.append(name)
                elif "build failed" in res.stdout + res.stderr or "[setup failed]" in res.stdout:
                    print(f"MUTANT DOES NOT COMPILE ({took:.0f}s): {name}", flush=True)
                    print((res.stdout + res.stderr)[-1500:])
                    failed.append(name)
                else:
                    print(f"caught ({took:.0f}s): {name}  [by go test -run '{run}' {pkg}]", flush=True)
            else:
                failed.append(name)
            for path, text in originals.items():
                open(os.path.join(repo, path), "w", encoding="utf-8").write(text)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if failed:
        print(f"{len(failed)} of {len(selected)} mutations not caught: {failed}", flush=True)
        return 1
    print(f"all {len(selected)} mutations caught", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
