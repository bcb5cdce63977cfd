"""Refused input in plain words, with what was typed kept: the ask form, the API, search,
the library finder and the reviewer's comment boxes.

One question limit is shared by the form, the API and the pipeline; a longer question is
refused with the limit and its length stated, never cut to fit.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from curbside.answer.pipeline import MAX_QUESTION_CHARS
from curbside.web.routes.pages import MAX_ECHO_CHARS

LIMIT = f"{MAX_QUESTION_CHARS:,}"
BOX = re.compile(r'<textarea id="question"[^>]*>(.*?)</textarea>', re.S)


def box(html: str) -> str:
    """What the question box holds, as the reader sees it."""
    found = BOX.search(html)
    assert found, "the page has no question box"
    return unescape(found[1])


def words(n_chars: int) -> str:
    """Distinct words, so that a cut anywhere would show; exactly ``n_chars`` long."""
    text = " ".join(f"hydroxocobalamin{i}" for i in range(n_chars // 10))
    return text[:n_chars].rstrip() + "x" * (n_chars - len(text[:n_chars].rstrip()))


def test_the_limit_is_one_number_for_form_api_and_pipeline():
    assert MAX_QUESTION_CHARS == 4000
    assert len(words(MAX_QUESTION_CHARS)) == MAX_QUESTION_CHARS


def test_a_100_kb_question_on_the_form_says_the_limit_and_keeps_the_text(bundled_client):
    question = words(100_000)
    page = bundled_client.post("/ask", data={"question": question})
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]
    assert f"Questions can be at most {LIMIT} characters; yours has 100,000." in page.text
    # Enormous: the box keeps the start, and the page says so.
    assert box(page.text) == question[:MAX_ECHO_CHARS]
    assert f"Only the first {MAX_ECHO_CHARS:,} characters are kept in the box." in page.text
    assert "String should have" not in page.text


def test_a_9999_character_question_is_refused_not_cut(bundled_client):
    question = words(9_999)
    page = bundled_client.post("/ask", data={"question": question})
    assert page.status_code == 422
    assert f"at most {LIMIT} characters; yours has 9,999." in page.text
    assert box(page.text) == question  # all of it: not enormous
    assert "Only the first" not in page.text
    api = bundled_client.post("/api/ask", json={"question": question})
    assert api.status_code == 422
    body = api.json()
    assert body["limit"] == MAX_QUESTION_CHARS and body["length"] == 9_999
    assert body["error"].startswith(f"Questions can be at most {LIMIT} characters")


def test_one_character_over_is_refused_and_the_limit_itself_is_answered_whole(bundled_client):
    over = bundled_client.post("/api/ask", json={"question": words(MAX_QUESTION_CHARS + 1)})
    assert over.status_code == 422 and over.json()["length"] == MAX_QUESTION_CHARS + 1
    question = words(MAX_QUESTION_CHARS)
    answered = bundled_client.post("/api/ask", json={"question": question})
    assert answered.status_code == 200, answered.text[:300]
    assert answered.json()["question"] == question  # every character, none cut


def test_line_breaks_count_as_the_text_box_counts_them(bundled_client):
    # Browsers send a line break as CRLF but count it as one character.
    lines = [words(99) for _ in range(40)]  # 40 x 99 + 39 breaks = 3,999 characters
    response = bundled_client.post(
        "/ask", data={"question": "\r\n".join(lines)}, follow_redirects=False
    )
    assert response.status_code == 303, box(response.text)[:100]


def test_the_api_names_the_limit_in_its_schema(bundled_client):
    schema = bundled_client.get("/openapi.json").json()
    question = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert f"at most {LIMIT} characters" in question["description"]
    assert "maxLength" not in question  # the pipeline's message, not a generic one


def test_an_empty_question_says_so_beside_the_box(bundled_client):
    page = bundled_client.post("/ask", data={"question": "   "})
    assert page.status_code == 422
    assert "The question is empty: type a question, then ask." in page.text
    assert 'aria-invalid="true"' in page.text


def test_the_429_page_keeps_the_question_and_says_when_to_ask_again(make_client):
    client = make_client(ask_rate_limit=1)
    assert client.post("/api/ask", json={"question": "b12 dose"}).status_code == 200
    question = "What hydroxocobalamin dose for a patient with <b>pernicious</b> anaemia?"
    page = client.post("/ask", data={"question": question, "audience": "patient"})
    assert page.status_code == 429
    assert 1 <= int(page.headers["retry-after"]) <= 60
    assert box(page.text) == question
    assert "Too many questions from this address in the last minute; ask again in" in page.text
    assert "Your question is still in the box." in page.text
    assert 'value="patient" checked' in page.text  # the audience choice is kept too


def test_a_refused_follow_up_stays_a_follow_up(bundled_client, b12_article):
    page = bundled_client.post(
        "/ask", data={"question": words(5_000), "follow_up_of": b12_article["id"]}
    )
    assert page.status_code == 422
    assert f'name="follow_up_of" value="{b12_article["id"]}"' in page.text
    gone = bundled_client.post("/ask", data={"question": "And then?", "follow_up_of": "gone"})
    assert gone.status_code == 404
    assert box(gone.text) == "And then?" and "no longer here" in gone.text


def test_where_visitors_may_not_ask_the_text_is_kept_to_copy(make_client):
    client = make_client(anonymous_can_ask=False)
    page = client.post("/ask", data={"question": "Colchicine dose for a gout flare?"})
    assert page.status_code == 403
    assert "takes questions only from signed-in users" in page.text
    assert ">Colchicine dose for a gout flare?</textarea>" in page.text


def test_a_too_long_question_link_says_the_limit(bundled_client):
    page = bundled_client.get("/ask", params={"q": words(4_500)})
    assert page.status_code == 422
    assert f"at most {LIMIT} characters; yours has 4,500." in page.text


@pytest.mark.parametrize(
    ("url", "limit", "field"),
    [("/search", "1,000", 'id="search-q"'), ("/library", "200", 'id="library-q"')],
)
def test_search_boxes_say_their_limit_and_keep_the_text(bundled_client, url, limit, field):
    text = words(1_500)
    page = bundled_client.get(url, params={"q": text})
    assert page.status_code == 422
    assert f"at most {limit} characters; yours has 1,500." in page.text
    assert f'{field} name="q" type="search" value="{text}"' in page.text


def test_api_validation_errors_are_sentences(bundled_client):
    body = {"question": "b12", "follow_up_of": "x" * 500}
    response = bundled_client.post("/api/ask", json=body)
    assert response.status_code == 422
    assert response.json()["error"] == "“follow_up_of” can be at most 64 characters; yours has 500."
    missing = bundled_client.post("/api/ask", json={})
    assert missing.json()["error"] == "“question” is missing."


def test_a_too_long_review_comment_keeps_the_comment(site):
    from curbside.review.service import MAX_COMMENT_CHARS

    reviewer = site.login("reviewer")
    form = {"csrf_token": reviewer.csrf, "seen_version": "1"}
    assert reviewer.post(f"/review/{site.id}/claim", data=form).status_code == 200
    comment = words(MAX_COMMENT_CHARS + 500)
    page = reviewer.post(f"/review/{site.id}/reject", data={**form, "comment": comment})
    assert page.status_code == 422
    assert f"comments can be at most {MAX_COMMENT_CHARS:,} characters" in page.text
    assert f">{comment}</textarea>" in page.text
    assert site.store.articles.get_article(site.id)["status"] == "under_review"  # nothing was done
