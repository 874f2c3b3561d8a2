"""The question bank: one SQLite file, created and changed only by migrations.

``Bank.open(path)`` opens (or creates) a bank, refuses one written by a newer version, copies
the file before any migration runs, applies the migrations and, on first run, fills it from
the bundled ``quizzes/``. Every learner answer is written in its own transaction the moment
it is given.
"""

from __future__ import annotations

import datetime as _dt
import json
import random
import sqlite3
from pathlib import Path
from typing import Any, Callable, Iterable

import sqlite_utils
from sqlite_utils.migrations import Migrations

from trainer import catalog, quizfile
from trainer.errors import BankError, BankTooNewError, NotFoundError, QuizFileError
from trainer.paths import default_db_path, quizzes_dir

MIGRATIONS = Migrations("cpt-trainer")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


@MIGRATIONS()
def m0001_initial(db: sqlite_utils.Database) -> None:
    db["quizzes"].create(
        {
            "id": str, "title": str, "description": str, "author": str, "code_set_year": int,
            "licence": str, "scoring_policy": str, "source": str, "imported_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db["questions"].create(
        {
            "id": str, "quiz_id": str, "position": int, "type": str, "title": str,
            "scenario": str, "prompt": str, "difficulty": int, "tags": str, "tags_text": str,
            "code_set_year": int, "rationale": str, "data": str, "retired": int,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("quiz_id", "quizzes", "id")],
        defaults={"retired": 0},
    )
    db["questions"].create_index(["quiz_id", "position"])
    db["answer_lines"].create(
        {
            "id": int, "question_id": str, "answer_set": int, "position": int, "code": str,
            "modifiers": str, "units": int, "optional": int, "rationale": str,
        },
        pk="id",
        foreign_keys=[("question_id", "questions", "id")],
    )
    db["answer_lines"].create_index(["question_id"])
    db["answer_lines"].create_index(["code"])
    db["learners"].create({"id": int, "name": str, "created_at": str}, pk="id")
    db["learners"].create_index(["name"], unique=True)
    db["sessions"].create(
        {
            "id": int, "learner_id": int, "kind": str, "question_ids": str, "position": int,
            "settings": str, "started_at": str, "updated_at": str, "ended_at": str,
            "elapsed_seconds": float,
        },
        pk="id",
        foreign_keys=[("learner_id", "learners", "id")],
        defaults={"position": 0, "elapsed_seconds": 0.0},
    )
    db["sessions"].create_index(["learner_id", "ended_at"])
    db["attempts"].create(
        {
            "id": int, "session_id": int, "learner_id": int, "question_id": str,
            "response": str, "result": str, "score": float, "seconds": float,
            "submitted_at": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id"), ("learner_id", "learners", "id")],
    )
    db["attempts"].create_index(["learner_id", "question_id"])
    db["attempts"].create_index(["session_id"])
    db["reports"].create(
        {
            "id": int, "learner_id": int, "question_id": str, "comment": str,
            "created_at": str, "resolved": int,
        },
        pk="id",
        defaults={"resolved": 0},
    )
    db["questions"].enable_fts(
        ["title", "scenario", "tags_text", "rationale"], create_triggers=True, tokenize="porter"
    )


MIGRATION_SETS: tuple[Migrations, ...] = (MIGRATIONS, catalog.MIGRATIONS)


def _known_names(m: Migrations) -> set[str]:
    return {x.name for x in m._migrations}  # noqa: SLF001 - sqlite-utils keeps them there


class Bank:
    """A question bank file and everything learners did in it."""

    def __init__(self, db: sqlite_utils.Database, path: Path | None):
        self.db = db
        self.path = path
        self.seed_problems: list[str] = []

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        seed: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> "Bank":
        """Open or create the bank at *path* (default: the user's data folder)."""
        if path is None:
            path = default_db_path()
        if str(path) == ":memory:":
            db = sqlite_utils.Database(memory=True)
            bank = cls(db, None)
        else:
            p = Path(path).expanduser()
            if p.is_dir():
                raise BankError(f"{p} is a folder; the bank is a file (for example {p / 'bank.sqlite'})")
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise BankError(f"cannot create the folder {p.parent}: {exc.strerror or exc}") from None
            if p.exists() and p.stat().st_size > 0:
                with open(p, "rb") as fh:
                    if fh.read(16) != b"SQLite format 3\x00":
                        raise BankError(
                            f"{p} is not a CPT Trainer bank (not an SQLite file). Choose another "
                            "file with --db, or move this one away to start a new bank."
                        )
            try:
                conn = sqlite3.connect(str(p), timeout=5)
                db = sqlite_utils.Database(conn)
            except sqlite3.Error as exc:
                raise BankError(f"cannot open the bank {p}: {exc}") from None
            bank = cls(db, p)
        try:
            bank._prepare(seed=seed, progress=progress)
        except sqlite3.DatabaseError as exc:
            bank.close()
            raise BankError(_explain_sqlite_error(exc, bank.path)) from None
        except BaseException:
            bank.close()
            raise
        return bank

    def close(self) -> None:
        try:
            self.db.conn.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass

    def __enter__(self) -> "Bank":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def _prepare(self, *, seed: bool, progress: Callable[[int, int], None] | None) -> None:
        db = self.db
        db.execute("PRAGMA foreign_keys = ON")
        if self.path is not None:
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BankError(
                    f"the bank {self.path} is damaged ({check}). Restore a backup copy "
                    f"(files named {self.path.name}.*.bak beside it) or start a new bank with --db."
                )
            if db.journal_mode != "wal":
                db.enable_wal()
        self._refuse_newer()
        pending = [m for m in MIGRATION_SETS if m.pending(db)]
        if pending and self.path is not None and db.table_names():
            self._backup_before_migration()
        for m in MIGRATION_SETS:
            m.apply(db)
        ensure = getattr(catalog, "ensure_bundled", None)
        if ensure is not None:
            ensure(db)
        if seed and db["quizzes"].count == 0:
            self.seed_bundled(progress=progress)

    def _refuse_newer(self) -> None:
        table = self.db["_sqlite_migrations"]
        if not table.exists():
            return
        for m in MIGRATION_SETS:
            applied = {a.name for a in m.applied(self.db)}
            unknown = applied - _known_names(m)
            if unknown:
                raise BankTooNewError(
                    f"the bank {self.path or ''} was written by a newer version of CPT Trainer "
                    f"(it has changes this version does not know: {', '.join(sorted(unknown))}). "
                    "Update CPT Trainer to open it; the file was not changed."
                )

    def _backup_before_migration(self) -> Path:
        assert self.path is not None
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.{stamp}.bak")
        dest = sqlite3.connect(str(target))
        try:
            self.db.conn.backup(dest)
        finally:
            dest.close()
        return target

    # ------------------------------------------------------------------ quizzes

    def seed_bundled(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Import every bundled quiz file; a broken one is skipped and listed in seed_problems."""
        files = sorted(quizzes_dir().glob("*.yaml"))
        count = 0
        for i, f in enumerate(files):
            try:
                self.import_quiz(quizfile.load_quiz(f))
                count += 1
            except QuizFileError as exc:
                self.seed_problems.append(str(exc))
            if progress:
                progress(i + 1, len(files))
        return count

    def import_file(self, path: str | Path) -> dict:
        return self.import_quiz(quizfile.load_quiz(path))

    def import_quiz(self, quiz: quizfile.Quiz) -> dict:
        """Add or update a quiz and its questions by id, in one transaction.

        Questions dropped from the file are retired (kept for learners' history).
        Returns counts: added, updated, unchanged, retired.
        """
        db = self.db
        ids = [q["id"] for q in quiz.questions]
        clash = []
        if ids:
            placeholders = ",".join("?" * len(ids))
            clash = db.execute(
                f"select id, quiz_id from questions where id in ({placeholders}) and quiz_id != ?",
                [*ids, quiz.id],
            ).fetchall()
        if clash:
            from trainer.errors import Problem

            raise QuizFileError(
                [Problem(quiz.source, None,
                         f'question id "{qid}" is already used by quiz "{other}"; ids must be unique across the bank')
                 for qid, other in clash]
            )
        now = _now()
        counts = {"added": 0, "updated": 0, "unchanged": 0, "retired": 0}
        with db.atomic():
            meta = quiz.meta()
            existing_quiz = db["quizzes"].rows_where("id = ?", [quiz.id])
            if any(True for _ in existing_quiz):
                db["quizzes"].update(quiz.id, {**meta, "source": quiz.source, "updated_at": now})
            else:
                db["quizzes"].insert({**meta, "source": quiz.source, "imported_at": now, "updated_at": now})
            old = {r["id"]: r for r in db["questions"].rows_where("quiz_id = ?", [quiz.id])}
            for pos, q in enumerate(quiz.questions):
                row = _question_row(q, quiz.id, pos)
                prev = old.pop(q["id"], None)
                if prev is not None and all(prev.get(k) == v for k, v in row.items()):
                    counts["unchanged"] += 1
                    continue
                row["updated_at"] = now
                db["questions"].upsert(row, pk="id")
                db.execute("delete from answer_lines where question_id = ?", [q["id"]])
                if q["type"] == "case":
                    sets = [q["answer"]["lines"], *q["answer"].get("alternatives", [])]
                    db["answer_lines"].insert_all(
                        {
                            "question_id": q["id"], "answer_set": s, "position": i,
                            "code": line["code"], "modifiers": json.dumps(line["modifiers"]),
                            "units": line["units"], "optional": int(line["optional"]),
                            "rationale": line["rationale"],
                        }
                        for s, lines in enumerate(sets)
                        for i, line in enumerate(lines)
                    )
                counts["added" if prev is None else "updated"] += 1
            for qid, prev in old.items():
                if not prev["retired"]:
                    db["questions"].update(qid, {"retired": 1, "updated_at": now})
                    counts["retired"] += 1
        return counts

    def list_quizzes(self) -> list[dict]:
        rows = self.db.execute(
            """
            select q.id, q.title, q.description, q.author, q.code_set_year, q.licence,
                   q.scoring_policy, count(x.id) as question_count,
                   group_concat(distinct x.type) as types
            from quizzes q left join questions x on x.quiz_id = q.id and x.retired = 0
            group by q.id order by q.title
            """
        ).fetchall()
        cols = ["id", "title", "description", "author", "code_set_year", "licence",
                "scoring_policy", "question_count", "types"]
        out = []
        for r in rows:
            d = dict(zip(cols, r))
            d["types"] = sorted((d["types"] or "").split(",")) if d["types"] else []
            out.append(d)
        return out

    def get_quiz(self, quiz_id: str) -> dict:
        try:
            return dict(self.db["quizzes"].get(quiz_id))
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f'no quiz with id "{quiz_id}" in this bank; `cpt-trainer stats` lists them') from None

    def quiz_questions(self, quiz_id: str) -> list[dict]:
        self.get_quiz(quiz_id)
        rows = self.db["questions"].rows_where("quiz_id = ? and retired = 0", [quiz_id], order_by="position")
        return [_question_from_row(r) for r in rows]

    def export_quiz(self, quiz_id: str) -> str:
        """The quiz as YAML that imports back to the same content."""
        return quizfile.dump_quiz(self.get_quiz(quiz_id), self.quiz_questions(quiz_id))

    def get_question(self, question_id: str) -> dict:
        try:
            row = self.db["questions"].get(question_id)
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f'no question with id "{question_id}" in this bank') from None
        q = _question_from_row(row)
        quiz = self.db["quizzes"].get(row["quiz_id"])
        if quiz.get("scoring_policy"):
            q["scoring_policy"] = quiz["scoring_policy"]
        return q

    def categories(self) -> list[str]:
        rows = self.db.execute(
            "select distinct value from questions, json_each(questions.tags) where retired = 0 order by value"
        ).fetchall()
        return [r[0] for r in rows]

    def find_questions(
        self,
        quiz_id: str | None = None,
        categories: Iterable[str] | None = None,
        difficulties: Iterable[int] | None = None,
        types: Iterable[str] | None = None,
        learner_id: int | None = None,
        unseen: bool = False,
        missed: bool = False,
        limit: int | None = None,
        shuffle: bool = False,
        text: str | None = None,
    ) -> list[str]:
        where = ["q.retired = 0"]
        params: list[Any] = []
        if quiz_id:
            where.append("q.quiz_id = ?")
            params.append(quiz_id)
        cats = list(categories or [])
        if cats:
            where.append(
                "exists (select 1 from json_each(q.tags) t where "
                + " or ".join("t.value = ? or t.value like ?" for _ in cats) + ")"
            )
            for c in cats:
                params += [c, f"{c}/%"]
        diffs = list(difficulties or [])
        if diffs:
            where.append(f"q.difficulty in ({','.join('?' * len(diffs))})")
            params += diffs
        tys = list(types or [])
        if tys:
            where.append(f"q.type in ({','.join('?' * len(tys))})")
            params += tys
        if learner_id is not None and unseen:
            where.append("not exists (select 1 from attempts a where a.question_id = q.id and a.learner_id = ?)")
            params.append(learner_id)
        if learner_id is not None and missed:
            where.append(
                "exists (select 1 from attempts a where a.question_id = q.id and a.learner_id = ? and a.score < 1)"
            )
            params.append(learner_id)
        if text and text.strip():
            where.append(
                "q.rowid in (select rowid from questions_fts where questions_fts match ?)"
            )
            params.append(self.db.quote_fts(text))
        sql = f"select q.id from questions q where {' and '.join(where)} order by q.quiz_id, q.position"
        ids = [r[0] for r in self.db.execute(sql, params).fetchall()]
        if shuffle:
            random.shuffle(ids)
        if limit is not None:
            ids = ids[:limit]
        return ids

    # ------------------------------------------------------------------ learners

    def learners(self) -> list[dict]:
        return [dict(r) for r in self.db["learners"].rows_where(order_by="name collate nocase")]

    def create_learner(self, name: str) -> int:
        name = (name or "").strip()
        if not name:
            raise BankError("a learner needs a name")
        if len(name) > 80:
            raise BankError("a learner's name may be at most 80 characters")
        row = self.db.execute("select id from learners where name = ? collate nocase", [name]).fetchone()
        if row:
            return row[0]
        with self.db.atomic():
            return self.db["learners"].insert({"name": name, "created_at": _now()}).last_pk

    def best_scores(self, learner_id: int) -> dict[str, float]:
        """Best finished-session score per quiz, from each question's best attempt."""
        rows = self.db.execute(
            """
            select q.quiz_id, avg(best) from (
                select a.question_id, max(a.score) as best from attempts a
                where a.learner_id = ? group by a.question_id
            ) b join questions q on q.id = b.question_id
            group by q.quiz_id
            """,
            [learner_id],
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    # ------------------------------------------------------------------ sessions

    def start_session(self, learner_id: int, question_ids: list[str], kind: str = "practice",
                      settings: dict | None = None) -> int:
        if not question_ids:
            raise BankError("no questions match; widen the filters to build a practice set")
        now = _now()
        with self.db.atomic():
            return self.db["sessions"].insert(
                {
                    "learner_id": learner_id, "kind": kind, "question_ids": json.dumps(list(question_ids)),
                    "position": 0, "settings": json.dumps(settings or {}), "started_at": now,
                    "updated_at": now, "ended_at": None, "elapsed_seconds": 0.0,
                }
            ).last_pk

    def get_session(self, session_id: int) -> dict:
        try:
            row = dict(self.db["sessions"].get(session_id))
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f"no session {session_id} in this bank") from None
        row["question_ids"] = json.loads(row["question_ids"])
        row["settings"] = json.loads(row["settings"] or "{}")
        attempts = {}
        for a in self.db["attempts"].rows_where("session_id = ?", [session_id], order_by="id"):
            attempts[a["question_id"]] = _attempt_from_row(a)
        row["attempts"] = attempts
        return row

    def unfinished_sessions(self, learner_id: int) -> list[dict]:
        rows = self.db["sessions"].rows_where(
            "learner_id = ? and ended_at is null", [learner_id], order_by="updated_at desc"
        )
        return [self.get_session(r["id"]) for r in rows]

    def save_session_state(self, session_id: int, position: int | None = None,
                           elapsed_seconds: float | None = None) -> None:
        changes: dict[str, Any] = {"updated_at": _now()}
        if position is not None:
            changes["position"] = position
        if elapsed_seconds is not None:
            changes["elapsed_seconds"] = float(elapsed_seconds)
        with self.db.atomic():
            self.db["sessions"].update(session_id, changes)

    def record_attempt(self, session_id: int | None, question_id: str, response: Any,
                       result: dict, seconds: float, learner_id: int | None = None) -> int:
        """Store one answer now, in its own transaction (durable when this returns)."""
        if learner_id is None and session_id is not None:
            learner_id = self.db["sessions"].get(session_id)["learner_id"]
        with self.db.atomic():
            pk = self.db["attempts"].insert(
                {
                    "session_id": session_id, "learner_id": learner_id, "question_id": question_id,
                    "response": json.dumps(response), "result": json.dumps(result),
                    "score": float(result.get("score", 0.0)), "seconds": float(seconds),
                    "submitted_at": _now(),
                }
            ).last_pk
            if session_id is not None:
                self.db["sessions"].update(session_id, {"updated_at": _now()})
        return pk

    def finish_session(self, session_id: int) -> None:
        with self.db.atomic():
            self.db["sessions"].update(session_id, {"ended_at": _now(), "updated_at": _now()})

    def session_summary(self, session_id: int) -> dict:
        """Score, credit by category and the questions missed, from the latest attempts."""
        s = self.get_session(session_id)
        by_cat: dict[str, dict[str, float]] = {}
        missed = []
        total = 0.0
        for qid in s["question_ids"]:
            a = s["attempts"].get(qid)
            score = a["score"] if a else 0.0
            total += score
            if score < 1:
                missed.append(qid)
            if a:
                for cat, v in (a["result"].get("by_category") or {}).items():
                    d = by_cat.setdefault(cat, {"earned": 0.0, "possible": 0.0})
                    d["earned"] += v.get("earned", 0.0)
                    d["possible"] += v.get("possible", 0.0)
        n = len(s["question_ids"])
        return {
            "score": total / n if n else 0.0,
            "answered": sum(1 for q in s["question_ids"] if q in s["attempts"]),
            "total": n,
            "by_category": by_cat,
            "missed": missed,
        }

    def grade(self, question: dict, response: Any, policy: str | None = None) -> dict:
        """Grade an answer (the pure grader), then add what the catalog knows about the
        codes entered: unknown or terminated codes, NCCI bundled pairs, units above an MUE."""
        from trainer import grading, parse

        result = grading.grade(question, response, policy).to_dict()
        lines: list = []
        icd10: list[str] = []
        if question.get("type") == "case":
            text = response.get("codes", "") if isinstance(response, dict) else str(response or "")
            lines = parse.parse_answer(text).lines
            if isinstance(response, dict) and response.get("icd10"):
                icd10 = [l.code for l in parse.parse_answer(response["icd10"], kind="icd10cm").lines]
        elif question.get("type") == "audit" and isinstance(response, list):
            for item in response:
                if isinstance(item, dict) and item.get("correction"):
                    lines += parse.parse_answer(str(item["correction"])).lines
        notes = catalog.catalog_notes(self.db, lines, icd10=icd10) if (lines or icd10) else []
        result["catalog_notes"] = notes
        result["problems"] = [*result.get("problems", []), *notes]
        return result

    def report_question(self, learner_id: int | None, question_id: str, comment: str) -> int:
        with self.db.atomic():
            return self.db["reports"].insert(
                {"learner_id": learner_id, "question_id": question_id, "comment": comment or "",
                 "created_at": _now(), "resolved": 0}
            ).last_pk

    def reports(self, include_resolved: bool = False) -> list[dict]:
        """Questions learners reported, newest first, for the instructor."""
        where = "" if include_resolved else "where r.resolved = 0"
        rows = self.db.execute(
            f"""
            select r.id, r.question_id, q.quiz_id, q.title, l.name, r.comment, r.created_at, r.resolved
            from reports r left join questions q on q.id = r.question_id
            left join learners l on l.id = r.learner_id
            {where} order by r.created_at desc, r.id desc
            """
        ).fetchall()
        cols = ["id", "question_id", "quiz_id", "title", "learner", "comment", "created_at", "resolved"]
        return [dict(zip(cols, r)) for r in rows]

    def resolve_report(self, report_id: int) -> None:
        with self.db.atomic():
            if self.db.execute("update reports set resolved = 1 where id = ?", [report_id]).rowcount == 0:
                raise NotFoundError(f"no report {report_id} in this bank; `cpt-trainer reports` lists them")

    # ------------------------------------------------------------------ stats

    def stats(self) -> dict:
        db = self.db

        def counts(sql: str) -> dict:
            return {r[0]: r[1] for r in db.execute(sql).fetchall()}

        return {
            "quizzes": db["quizzes"].count,
            "questions": db.execute("select count(*) from questions where retired = 0").fetchone()[0],
            "by_type": counts("select type, count(*) from questions where retired = 0 group by type order by type"),
            "by_category": counts(
                "select value, count(*) from questions, json_each(questions.tags) "
                "where retired = 0 group by value order by value"
            ),
            "by_difficulty": counts(
                "select difficulty, count(*) from questions where retired = 0 group by difficulty order by difficulty"
            ),
            "case_by_section": counts(
                "select case when json_extract(tags, '$[0]') like 'Surgery/%' then 'Surgery' "
                "else json_extract(tags, '$[0]') end, count(*) from questions "
                "where retired = 0 and type = 'case' group by 1 order by 1"
            ),
            "by_main_category": counts(
                "select json_extract(tags, '$[0]'), count(*) from questions where retired = 0 "
                "group by 1 order by 1"
            ),
        }


def _explain_sqlite_error(exc: sqlite3.DatabaseError, path: Path | None) -> str:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return (f"the bank {path} is locked by another program (is CPT Trainer open twice?). "
                "Close the other program and try again.")
    if "not a database" in text or "malformed" in text:
        return (f"the bank {path} is damaged ({text}). Restore a backup copy "
                f"(files named *.bak beside it) or start a new bank with --db.")
    if "readonly" in text or "read-only" in text:
        return f"the bank {path} is read-only; check the file's permissions."
    return f"the bank {path} could not be opened: {text}"


def _question_row(q: dict, quiz_id: str, position: int) -> dict:
    common = {"id", "type", "title", "tags", "difficulty", "code_set_year", "scenario", "prompt", "rationale"}
    data = {k: v for k, v in q.items() if k not in common}
    return {
        "id": q["id"], "quiz_id": quiz_id, "position": position, "type": q["type"],
        "title": q.get("title", ""), "scenario": q.get("scenario", ""), "prompt": q.get("prompt", ""),
        "difficulty": q.get("difficulty", 2), "tags": json.dumps(q.get("tags", [])),
        "tags_text": " ".join(q.get("tags", [])), "code_set_year": q.get("code_set_year"),
        "rationale": q.get("rationale", ""), "data": json.dumps(data, sort_keys=True), "retired": 0,
    }


def _question_from_row(row: dict) -> dict:
    q = {
        "id": row["id"], "quiz_id": row["quiz_id"], "type": row["type"], "title": row["title"] or "",
        "scenario": row["scenario"] or "", "prompt": row["prompt"] or "",
        "difficulty": row["difficulty"], "tags": json.loads(row["tags"] or "[]"),
        "code_set_year": row["code_set_year"], "rationale": row["rationale"] or "",
    }
    q.update(json.loads(row["data"] or "{}"))
    return q


def _attempt_from_row(row: dict) -> dict:
    d = dict(row)
    d["response"] = json.loads(d["response"] or "null")
    d["result"] = json.loads(d["result"] or "{}")
    return d
