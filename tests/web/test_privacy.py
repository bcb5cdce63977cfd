"""A visitor's question is never shown to anyone else until a reviewer approves its answer:
not on the home page, not among related questions, not in search, not at its address, not
through the API. Over HTTP against one app on a real SQLite library; each test asks its own
questions, whose marker word must not appear where it may not.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from curbside.cli import load_bundled
from curbside.review import accounts, service
from curbside.review.accounts import OPERATOR
from curbside.runtime import open_runtime
from curbside.store import schema
from curbside.web import create_app
from curbside.web.service import NOT_PUBLISHED
from curbside.web.visitors import VISITOR_COOKIE

from ..review.conftest import PASSWORD
from .conftest import web_settings
from .reviewing import CSRF, LOGIN_CSRF

with warnings.catch_warnings():
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def app(tmp_path_factory, cheap_argon2) -> Iterator:
    home = tmp_path_factory.mktemp("privacy") / "home"
    rt = open_runtime(web_settings(home))
    try:
        load_bundled(rt, quiet=True)
        for role in ("reviewer", "reader", "colleague", "admin"):
            accounts.create_user(
                rt.store,
                OPERATOR,
                email=f"{role}@example.org",
                name=f"Dr {role.title()}",
                role="reader" if role == "colleague" else role,
                password=PASSWORD,
            )
    finally:
        rt.close()
    with TestClient(create_app(web_settings(home))) as client:
        client.app.state.web.article_pages.revalidate_after = 0.0  # every change at once
        yield client.app


def visitor(app) -> TestClient:
    """A new visitor: their own cookie jar, nobody signed in."""
    return TestClient(app)


def signed_in(app, who: str) -> TestClient:
    client = TestClient(app)
    token = LOGIN_CSRF.search(client.get("/login").text)[1]
    form = {"email": f"{who}@example.org", "password": PASSWORD, "login_csrf": token}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    client.csrf = CSRF.search(client.get("/about/board").text)[1]  # type: ignore[attr-defined]
    return client


def ask(client: TestClient, question: str, **form) -> dict:
    """Ask through the form as a person would; the stored article."""
    data = {"question": question, **form}
    if hasattr(client, "csrf"):
        data["csrf_token"] = client.csrf
    response = client.post("/ask", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    slug = response.headers["location"].rsplit("/", 1)[1].split("?")[0]
    return client.app.state.web.rt.store.articles.get_article(slug)


def approve(app, article_id: str) -> None:
    store = app.state.web.rt.store
    reviewer = accounts.find_user(store, "reviewer@example.org")
    claimed = service.claim(
        store, reviewer, article_id, store.articles.get_article(article_id)["version"]
    )
    service.approve(store, reviewer, article_id, claimed.version)


def pages_of(client: TestClient, *urls: str) -> dict[str, str]:
    return {url: client.get(url).text for url in urls}


def test_a_visitors_question_appears_on_no_other_visitors_page(app):
    alice, bob = visitor(app), visitor(app)
    # Answered (a name the library lacks would abstain), so that it can be a related question.
    mine = ask(alice, "hydroxocobalamin dose for pernicious anaemia in a retired lighthouse keeper")
    assert not mine["abstained"]
    theirs = ask(bob, "hydroxocobalamin dose for pernicious anaemia with neurological signs")
    # The engine did relate them: only the pages' filter keeps Alice's words off Bob's.
    assert mine["question"] in theirs["body"]["related_questions"]
    assert alice.cookies.get(VISITOR_COOKIE) != bob.cookies.get(VISITOR_COOKIE)

    # Alice sees her own answer; nobody lists it, not even for her.
    own = alice.get(f"/a/{mine['slug']}")
    assert own.status_code == 200 and "lighthouse keeper" in own.text
    assert "private" in own.headers["cache-control"]  # no shared cache may keep it
    assert "lighthouse" not in alice.get("/").text

    seen = pages_of(
        bob,
        "/",
        f"/a/{theirs['slug']}",
        f"/a/{theirs['slug']}?audience=patient",
        f"/api/articles/{theirs['id']}",
        "/search?q=lighthouse+keeper+hydroxocobalamin+pernicious",
        "/library?q=lighthouse",
    )
    again = bob.post("/api/ask", json={"question": theirs["question"]})
    seen["POST /api/ask"] = again.text
    for url, text in seen.items():
        # Bob's own search words are echoed back; her wording must appear nowhere.
        assert "retired lighthouse" not in text and "retired-lighthouse" not in text, url
    # A link with her words (Bob typed them) fills Bob's box; it never leads to her answer.
    link = bob.get("/ask", params={"q": mine["question"]}, follow_redirects=False)
    assert link.status_code == 200 and mine["slug"] not in link.text
    for url in (f"/a/{mine['slug']}", f"/a/{mine['id']}", f"/a/{mine['slug']}?audience=patient"):
        refused = bob.get(url)
        assert refused.status_code == 404, url
        assert NOT_PUBLISHED in refused.text and "retired lighthouse" not in refused.text
    # The same answer as an address that never existed: the 404 says nothing more.
    never = bob.get("/a/no-such-answer-000000")
    assert never.status_code == 404 and NOT_PUBLISHED in never.text
    for api_url in (f"/api/articles/{mine['id']}", f"/api/articles/{mine['id']}/review"):
        api = bob.get(api_url)
        assert api.status_code == 404 and api.json() == {"error": NOT_PUBLISHED, "status": 404}
    # Signed-in readers and colleagues are other people too.
    colleague = signed_in(app, "colleague")
    assert "lighthouse" not in colleague.get("/").text
    assert colleague.get(f"/a/{mine['slug']}").status_code == 404

    # Reviewers see it; once one approves it, it is everyone's.
    reviewer = signed_in(app, "reviewer")
    assert "lighthouse keeper" in reviewer.get(f"/a/{mine['slug']}").text
    assert "lighthouse keeper" in reviewer.get("/review").text
    approve(app, mine["id"])
    assert "lighthouse keeper" in bob.get("/").text.split("Recently approved")[1]
    assert "lighthouse keeper" in bob.get(f"/a/{mine['slug']}").text
    related = bob.get(f"/a/{theirs['slug']}").text.split('id="related-title"')[1]
    assert "lighthouse keeper" in related
    assert mine["question"] in bob.get(f"/api/articles/{theirs['id']}").json()["related_questions"]


def test_a_related_question_leaves_cached_pages_when_its_answer_is_rejected(app):
    store = app.state.web.rt.store
    asker = visitor(app)
    first = ask(
        asker, "What folic acid dose before conception for a retired glassblower's daughter?"
    )
    second = ask(
        asker, "folic acid dose before conception when a previous baby had a neural tube defect"
    )
    assert first["question"] in second["body"]["related_questions"]
    approve(app, first["id"])
    approve(app, second["id"])
    reader = visitor(app)
    url = f"/a/{second['slug']}"
    assert "glassblower" in reader.get(url).text
    assert "glassblower" in reader.get(url).text  # from the cache now
    store.articles.set_article_status(first["id"], "rejected")  # as if re-reviewed and rejected
    assert "glassblower" not in reader.get(url).text
    assert "glassblower" not in reader.get("/").text


def test_signed_in_people_see_their_own_recent_questions_and_reviewers_the_queue(app):
    reader = signed_in(app, "reader")
    article = ask(reader, "What colchicine dose for a gout flare in a semi-retired trombonist?")
    home = reader.get("/").text
    assert "Your recent questions" in home
    assert "semi-retired trombonist" in home.split("Your recent questions")[1]
    assert reader.get(f"/a/{article['slug']}").status_code == 200
    # Recorded as the account's, not the browser's: another browser, signed in, sees it too.
    elsewhere = signed_in(app, "reader")
    assert "trombonist" in elsewhere.get("/").text
    for other in (signed_in(app, "colleague"), visitor(app)):
        assert "trombonist" not in other.get("/").text
        assert other.get(f"/a/{article['slug']}").status_code == 404
    reviewer_home = signed_in(app, "reviewer").get("/").text
    assert re.search(r'<a href="/review">[\d,]+ answers? awaiting review</a>', reviewer_home)
    assert "trombonist" not in reviewer_home  # the queue is where reviewers read questions
    admin = signed_in(app, "admin")
    assert admin.get(f"/a/{article['slug']}").status_code == 200  # oversight


def test_a_follow_up_names_its_parent_only_to_who_may_see_the_parent(app):
    asker = visitor(app)
    parent = ask(asker, "What warfarin reversal for Octavia Wrenfield-Moss with a major bleed?")
    child = ask(asker, "And how quickly should vitamin K be given?", follow_up_of=parent["id"])
    own = asker.get(f"/a/{child['slug']}").text
    assert "Follow-up to" in own and "Octavia" in own
    approve(app, child["id"])  # the follow-up, not the question it follows
    public = visitor(app).get(f"/a/{child['slug']}")
    assert public.status_code == 200
    assert "Follow-up to an earlier question." in public.text and "Octavia" not in public.text


def test_nobody_follows_up_an_answer_they_may_not_see(app):
    hidden = ask(visitor(app), "What dose of amoxicillin for Barnaby Quillfeather's otitis media?")
    other = visitor(app)
    page = other.post("/ask", data={"question": "And in children?", "follow_up_of": hidden["id"]})
    assert page.status_code == 404 and "Barnaby" not in page.text
    api = other.post("/api/ask", json={"question": "And in adults?", "follow_up_of": hidden["id"]})
    assert api.status_code == 404 and "Barnaby" not in api.text


def test_both_wordings_of_a_question_open_to_its_askers_only(app):
    # Two visitors asked the same words, one for clinicians and one for patients: one article.
    question = "What levothyroxine starting dose for an older adult?"
    clinician = ask(visitor(app), question, audience="clinician")
    patient_asker = visitor(app)
    patient = ask(patient_asker, question, audience="patient")
    assert patient["id"] == clinician["id"]
    for wording in ("clinician", "patient"):
        page = patient_asker.get(f"/a/{patient['slug']}?audience={wording}")
        assert page.status_code == 200 and f'data-audience="{wording}"' in page.text
        outsider = visitor(app)
        assert outsider.get(f"/a/{patient['slug']}?audience={wording}").status_code == 404


def test_the_visitor_cookie_lasts_the_browser_session_and_only_its_hash_is_kept(app):
    client = visitor(app)
    response = client.post(
        "/ask", data={"question": "vitamin D loading dose for deficiency"}, follow_redirects=False
    )
    cookies = response.headers.get_list("set-cookie")
    visitor_part = next(c for c in cookies if c.startswith(VISITOR_COOKIE + "="))
    assert "HttpOnly" in visitor_part and "SameSite=lax" in visitor_part
    assert "Max-Age" not in visitor_part and "expires" not in visitor_part.lower()
    value = client.cookies.get(VISITOR_COOKIE)
    with app.state.web.rt.store.engine.connect() as conn:
        askers = list(conn.execute(select(schema.article_askers.c.asker)).scalars())
    assert not any(value in a for a in askers) and any(a.startswith("visitor:") for a in askers)


def test_signing_out_forgets_the_browsers_questions(app):
    client = signed_in(app, "colleague")
    client.cookies.set(VISITOR_COOKIE, "left-by-the-last-person-at-this-workstation")
    response = client.post("/logout", data={"csrf_token": client.csrf}, follow_redirects=False)
    assert f'{VISITOR_COOKIE}=""' in response.headers["set-cookie"]


def test_staff_can_share_unreviewed_answers_where_the_institution_chooses(
    make_client, tmp_path, cheap_argon2
):
    client = make_client(unreviewed_visible_to_staff=True)
    store = client.app.state.web.rt.store
    for who in ("reader", "colleague"):
        accounts.create_user(
            store, OPERATOR, email=f"{who}@example.org", name=who, role="reader", password=PASSWORD
        )
    article = ask(
        signed_in(client.app, "reader"),
        "hydroxocobalamin dose for pernicious anaemia in an amateur beekeeper",
    )
    colleague = signed_in(client.app, "colleague")
    home = colleague.get("/").text
    assert "beekeeper" in home.split("Asked here, awaiting review")[1]
    assert colleague.get(f"/a/{article['slug']}").status_code == 200
    outsider = visitor(client.app)  # not signed in: still only approved answers
    assert "beekeeper" not in outsider.get("/").text
    assert outsider.get(f"/a/{article['slug']}").status_code == 404
