"""Editorial review: accounts and roles, the workflow, versions, approvals and the audit trail.

``workflow`` is the pure state machine, ``edits`` the pure edits and diff, ``accounts`` the
users, tokens and sessions, ``service`` the actions on articles, ``views`` what readers and
reviewers see, ``store`` the queries beneath them.
"""
