"""Tables, in SQLAlchemy Core so that the same definitions serve SQLite and PostgreSQL."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

migrations = Table(
    "schema_migrations",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", String(40), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("key", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("publisher", Text),
    Column("year", Integer),
    Column("url", Text),
    Column("kind", String(20), nullable=False),
    Column("source_path", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("superseded_by", String(40)),
    # current | superseded | removed
    Column("status", String(20), nullable=False),
    Column("ingested_at", String(40), nullable=False),
    Column("meta", JSON, nullable=False),
    UniqueConstraint("key", "version", name="uq_documents_key_version"),
)
# Lookups by key use the unique (key, version) index; a second index on key cost every
# ingested document one more page written per commit (see migration 0004).

passages = Table(
    "passages",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("document_id", String(40), ForeignKey("documents.id"), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("section_path", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("char_start", Integer, nullable=False),
    Column("char_end", Integer, nullable=False),
    Column("page", Integer),
    Column("retired", Boolean, nullable=False, default=False),
)
Index("ix_passages_document", passages.c.document_id, passages.c.ord)

# Every change the search index must mirror, in commit order. The index records the
# last sequence number it applied, so a crash between the database commit and the
# index commit is repaired by replaying the tail of this log.
index_log = Table(
    "index_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("passage_id", String(60), nullable=False),
    Column("op", String(3), nullable=False),  # add | del
    # The library version the change made (migration 0009): one per transaction, so a
    # follower commits its index only between transactions, never inside a document.
    Column("version", Integer),
    # Never reuse a sequence number after the log is trimmed.
    sqlite_autoincrement=True,
)

library_state = Table(
    "library_state",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("question", Text, nullable=False),
    Column("question_key", Text, nullable=False),
    Column("audience", String(20), nullable=False),
    Column("status", String(30), nullable=False),
    Column("version", Integer, nullable=False),
    Column("abstained", Boolean, nullable=False),
    Column("engine", String(20), nullable=False),
    Column("library_version", Integer, nullable=False),
    Column("thread_id", String(40), nullable=False),
    Column("parent_id", String(40)),
    Column("body", JSON, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    # "audience:question key" of the answer a plain ask finds (migration 0010): unique, so
    # two workers answering the same new question at once store one article. NULL for
    # follow-ups and fresh re-answers, which are never found by question.
    Column("dedupe_key", Text),
)
Index("uq_articles_dedupe_key", articles.c.dedupe_key, unique=True)
Index("ix_articles_question_key", articles.c.question_key, articles.c.audience)
Index("ix_articles_thread", articles.c.thread_id)

# Which documents an article cites, so that a changed source can send it back to review.
article_sources = Table(
    "article_sources",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("document_id", String(40), primary_key=True),
)
Index("ix_article_sources_document", article_sources.c.document_id)

# ---- editorial review (migration 0003_review) ----------------------------------------------
users = Table(
    "users",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("credentials", Text, nullable=False),  # "MD, haematology", shown to readers
    Column("role", String(20), nullable=False),  # admin | reviewer | editor | reader
    Column("password_hash", Text),  # argon2; NULL for token-only accounts
    # Unused since 0006: failures are counted per account and client in login_throttle.
    Column("failed_logins", Integer, nullable=False),
    # The end of this account's latest lockout from one client address (for administrators
    # to see); the lockout itself is enforced per client in login_throttle.
    Column("locked_until", String(40)),
    Column("active", Boolean, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False),
    # SHA-256 of the token: tokens are long and random, so a slow hash buys nothing.
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("last_used_at", String(40)),
    Column("revoked_at", String(40)),
)
Index("ix_api_tokens_user", api_tokens.c.user_id)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),  # SHA-256 of the cookie value
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("csrf_secret", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
)
Index("ix_sessions_user", sessions.c.user_id)

article_versions = Table(
    "article_versions",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("body", JSON, nullable=False),
    Column("created_by", String(320), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("note", Text, nullable=False),
)

approvals = Table(
    "approvals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(40), ForeignKey("articles.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("reviewer_id", String(40), ForeignKey("users.id"), nullable=False),
    # As they stood on the day: "Reviewed by …" must not change when a profile does.
    Column("reviewer_name", Text, nullable=False),
    Column("reviewer_credentials", Text, nullable=False),
    Column("approved_at", String(40), nullable=False),
)
Index("ix_approvals_article", approvals.c.article_id, approvals.c.version)

# Append-only: the service only inserts, and a trigger refuses UPDATE and DELETE. No foreign
# keys, so that the trail outlives whatever it mentions.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(320), nullable=False),
    Column("action", String(40), nullable=False),
    Column("article_id", String(40)),
    Column("version_before", Integer),
    Column("version_after", Integer),
    Column("detail", JSON, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_audit_log_article", audit_log.c.article_id, audit_log.c.id)

# ---- who asked (migration 0005_article_askers) ---------------------------------------------
# The same question asked twice is one article with two askers. Until a reviewer approves it,
# an answer is shown only to its askers (review/visibility.py). An anonymous visitor is the
# SHA-256 of their browser's visitor cookie, so the table names no one outside the service.
article_askers = Table(
    "article_askers",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("asker", String(80), primary_key=True),  # "user:<id>" or "visitor:<sha256>"
    Column("asked_at", String(40), nullable=False),
)
Index("ix_article_askers_asker", article_askers.c.asker, article_askers.c.asked_at)

# ---- sign-in throttle (migration 0006_login_throttle) ---------------------------------------
# Failed sign-ins per (email, client address): five in a row lock that email for that client
# only, so a stranger cannot lock out a reviewer whose name is on the public board page.
# Keyed by the email as typed (normalised), whether or not it names an account, so that
# unknown and known emails are treated, and timed, alike.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("email", String(320), primary_key=True),
    Column("client", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("locked_until", String(40)),
    Column("updated_at", String(40), nullable=False),
)

# ---- set aside from the review queue (migration 0007_set_aside) -----------------------------
# Junk questions and abstentions a reviewer put out of the queue, with why. Restoring deletes
# the row; the audit trail keeps both actions. The article's status is untouched: setting
# aside is triage, not a review decision.
set_aside = Table(
    "article_set_aside",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("set_by", String(40), nullable=False),  # users.id
    Column("set_at", String(40), nullable=False),
)


# ---- patient wording approvals (migration 0008_patient_wording) -------------------------------
# One article holds both wordings: the clinician wording is the article's versions, the patient
# wording is made from one of them by rules (answer/plain.py). A reviewer approves the patient
# wording of one clinician version on its own; the wording approved is kept as it was shown, so
# a later change of the rules never changes what readers see under the reviewer's name.
patient_approvals = Table(
    "patient_approvals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(40), ForeignKey("articles.id"), nullable=False),
    Column("version", Integer, nullable=False),  # the clinician version it was made from
    Column("reviewer_id", String(40), ForeignKey("users.id"), nullable=False),
    Column("reviewer_name", Text, nullable=False),
    Column("reviewer_credentials", Text, nullable=False),
    Column("approved_at", String(40), nullable=False),
    Column("body", JSON, nullable=False),  # the patient wording as approved
    sqlite_autoincrement=True,
)
Index("ix_patient_approvals_article", patient_approvals.c.article_id, patient_approvals.c.version)

# Where the patient wording of one clinician version stands (migration 0012): a reviewer may
# approve it (also a patient_approvals row), reject it with a reason, or edit it (``body``, the
# edited wording; None: the wording the rules make). No row: made by the rules, never acted
# on. ``revision`` counts the actions, so each one can be version-checked (compare-and-set).
patient_wordings = Table(
    "patient_wordings",
    metadata,
    Column("article_id", String(40), ForeignKey("articles.id"), primary_key=True),
    Column("version", Integer, primary_key=True),  # the clinician version it is made from
    Column("revision", Integer, nullable=False),
    Column("status", String(20), nullable=False),  # submitted | approved | rejected
    Column("body", JSON),
    Column("reason", Text),  # why it was rejected
    Column("updated_by", String(320), nullable=False),
    Column("updated_at", String(40), nullable=False),
)

# ---- several app servers (migrations 0009 and 0011) -----------------------------------------
# Each search index (one per app server folder) records the last log entry it holds; the log
# is trimmed only up to the slowest index seen in the last week (a longer-idle one rebuilds).
index_followers = Table(
    "index_followers",
    metadata,
    Column("follower", String(40), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("seen_at", String(40), nullable=False),
)

# Questions asked per client, counted in the database so every worker of every server
# shares one limit. Rows older than the window are deleted as new ones come.
rate_events = Table(
    "rate_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("bucket", String(120), nullable=False),
    Column("at", Float, nullable=False),
)
Index("ix_rate_events_bucket", rate_events.c.bucket, rate_events.c.at)
Index("ix_rate_events_at", rate_events.c.at)
