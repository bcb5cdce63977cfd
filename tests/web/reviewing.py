"""Helpers for the review tests: a small site with one article and a signed-in client per role.

The guideline and question are the review domain tests' own (tests/review/conftest.py), so
both layers test the same article.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from curbside.library.ingest import ingest
from curbside.review import accounts
from curbside.review.accounts import OPERATOR, User
from curbside.review.service import stale_source_hook

from ..review.conftest import GUIDELINE, PASSWORD, QUESTION

with warnings.catch_warnings():
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

ROLES = ("reviewer", "reviewer2", "admin", "editor", "reader")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LOGIN_CSRF = re.compile(r'name="login_csrf" value="([^"]+)"')


@dataclass
class ReviewSite:
    client: TestClient  # anonymous
    guideline: Path
    article: dict
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, client: TestClient, tmp_path: Path) -> ReviewSite:
        folder = tmp_path / "library"
        folder.mkdir()
        guideline = folder / "ida.md"
        guideline.write_text(GUIDELINE)
        rt = client.app.state.web.rt
        report = ingest([folder], rt.store, rt.retriever)
        assert report.new == 1, report
        site = cls(client, guideline, {})
        for role in ROLES:
            site.users[role] = accounts.create_user(
                rt.store,
                OPERATOR,
                email=f"{role}@example.org",
                name=f"Dr {role.title()}",
                role=role.rstrip("2"),
                credentials="MD, haematology" if role.startswith("reviewer") else "",
                password=PASSWORD,
            )
            site.tokens[role] = accounts.issue_token(rt.store, OPERATOR, site.users[role].id)[1]
        # Asked with a token, so that sites where visitors may not ask work the same.
        response = client.post(
            "/api/ask", json={"question": QUESTION}, headers=site.bearer("reader")
        )
        site.article = response.json()
        assert site.article["sections"], site.article
        return site

    @property
    def store(self):
        return self.client.app.state.web.rt.store

    @property
    def id(self) -> str:
        return self.article["id"]

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def browser(
        self, base_url: str = "http://testserver", address: str = "testclient"
    ) -> TestClient:
        """Another visitor of the same app (its own cookies, its own client address); the
        app is already started."""
        return TestClient(self.client.app, base_url=base_url, client=(address, 50000))

    def login(
        self, role: str, base_url: str = "http://testserver", address: str = "testclient"
    ) -> TestClient:
        """A client signed in through the login form; ``client.csrf`` is its CSRF token."""
        client = self.browser(base_url, address)
        token = LOGIN_CSRF.search(client.get("/login").text)[1]
        email = f"{role}@example.org"
        form = {"email": email, "password": PASSWORD, "login_csrf": token}
        response = client.post("/login", data=form, follow_redirects=False)
        assert response.status_code == 303, response.text
        client.csrf = CSRF.search(client.get("/about/board").text)[1]  # type: ignore[attr-defined]
        return client

    def reingest(self, text: str) -> None:
        self.guideline.write_text(text)
        rt = self.client.app.state.web.rt
        ingest([self.guideline], rt.store, rt.retriever, on_change=stale_source_hook(rt.store))


def csrf_of(html: str) -> str:
    return CSRF.search(html)[1]
