"""kaohe serve: the board's numbers, the JSON API over real HTTP, the token, and a real browser."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from click.testing import CliRunner
from tests.conftest import COUNTY
from tests.test_htmlreport import CHROMIUM, IN_CI, INSTALL

import kaohe
from kaohe.audit.explain import explain
from kaohe.cli import main

pytest.importorskip("starlette", reason="kaohe[serve] is not installed")
uvicorn = pytest.importorskip("uvicorn", reason="kaohe[serve] is not installed")

from kaohe.server.app import create_app, is_loopback  # noqa: E402
from kaohe.server.board import Board, parameters  # noqa: E402

TOWNSHIP_WEIGHT = "satisfaction.weight.乡镇"
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def board(county_scheme: kaohe.Scheme, county_data: kaohe.Dataset) -> Board:
    return Board.build(county_scheme, county_data)


class Server:
    """A uvicorn server in a thread, on a free port of 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.bind(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        for _ in range(500):  # up to 5 s for the server to start
            if self.server.started:
                return self
            time.sleep(0.01)
        raise RuntimeError("the test server did not start")

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.socket.close()


@pytest.fixture(scope="module")
def server(board: Board) -> Iterator[Server]:
    with Server(create_app(board)) as running:
        yield running


@pytest.fixture(scope="module")
def guarded(board: Board) -> Iterator[Server]:
    with Server(create_app(board, token=TOKEN)) as running:
        yield running


def request(
    url: str,
    *,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """``(status, headers, body)`` of one HTTP request; error statuses are answers too."""
    asked = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)
    try:
        with urllib.request.urlopen(asked, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def get_json(url: str, **kwargs: Any) -> tuple[int, Any]:
    status, headers, body = request(url, **kwargs)
    assert headers["content-type"] == "application/json"
    return status, json.loads(body)


def post_whatif(server: Server, body: object) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return get_json(
        server.url + "/api/whatif", body=data, headers={"content-type": "application/json"}
    )


# -- the board ------------------------------------------------------------------------------


def test_parameters_are_the_numbers_of_the_enabled_rules(board: Board) -> None:
    found = {p.path: p for p in parameters(board.scheme)}
    weight = found[TOWNSHIP_WEIGHT]
    assert (weight.value, weight.low, weight.high, weight.rule) == (0.15, 0.0, 1.0, "satisfaction")
    assert found["supervision.cap"].value == 10.0
    assert found["unit_grading.excellent_quota"].value == 0.30
    # integers and choices change a batch's structure: not offered
    assert "serious_units.criticisms" not in found
    assert "satisfaction.no_survey" not in found


def test_whatif_names_who_changes_grade_and_why(board: Board) -> None:
    found = board.whatif({TOWNSHIP_WEIGHT: 0.35})
    assert found["overrides"] == [{"path": TOWNSHIP_WEIGHT, "before": 0.15, "after": 0.35}]
    assert found["summary"]["units"]["grade_changed"] == 1
    [change] = found["changes"]
    assert change == {
        "kind": "unit",
        "id": "XZ08",
        "name": "河坝乡",
        "grade_before": "较差",
        "grade_after": "一般",
        "score_before": 58.69,
        "score_after": 60.55,
        "rank_before": 8,
        "rank_after": 8,
        "why": "等次:一般 —— 由得分决定:F = 60.55 ≥ 一般线 60,< 良好线 80",
    }


def test_whatif_explains_a_grade_change_without_a_score_change(board: Board) -> None:
    found = board.whatif({}, off=["criticism"])
    by_id = {change["id"]: change for change in found["changes"]}
    assert by_id["XZ05-08"]["grade_before"] == "基本称职"
    assert by_id["XZ05-08"]["grade_after"] == "优秀"
    assert by_id["XZ05-08"]["score_before"] == by_id["XZ05-08"]["score_after"]
    assert by_id["XZ05-08"]["why"].startswith("等次:优秀")


def test_a_wrong_path_names_the_closest(board: Board) -> None:
    with pytest.raises(kaohe.KaoheError, match=r"did you mean supervision\.cap\b"):
        board.whatif({"supervision.cpa": 6})


def test_the_explanation_under_a_whatif(board: Board) -> None:
    published = board.explanation("XZ08").render()
    variant = board.explanation("XZ08", {TOWNSHIP_WEIGHT: 0.35}).render()
    assert "等次:较差" in published
    assert "等次:一般" in variant
    assert "公布得分 = round2(max(0, 合计)) = 60.55" in variant


def test_loopback_addresses() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.5", "example.org", "::"))


# -- the JSON API over HTTP ---------------------------------------------------------------


def test_results(server: Server, board: Board) -> None:
    status, found = get_json(server.url + "/api/results")
    assert status == 200
    assert found["summary"]["scheme"] == "county-2019"
    assert len(found["units"]) == 20
    assert len(found["cadres"]) == 200
    xz08 = next(unit for unit in found["units"] if unit["id"] == "XZ08")
    assert xz08 == {
        "id": "XZ08",
        "name": "河坝乡",
        "category": "乡镇",
        "score": 58.69,
        "rank": 8,
        "grade": "较差",
        "grade_reason": "score",
        "flags": ["作风问题严重", "约谈"],
    }


def test_explanation_of_an_id(server: Server, board: Board) -> None:
    status, found = get_json(server.url + "/api/explain/XZ08")
    assert status == 200
    assert (found["entity"], found["id"], found["name"]) == ("unit", "XZ08", "河坝乡")
    assert found["text"] == explain(board.results, "XZ08").render()
    assert found["score"] == "58.69"
    assert found["adds_up"] is True


def test_explanation_of_an_unknown_id_is_404_with_the_closest(server: Server) -> None:
    status, found = get_json(server.url + "/api/explain/XZ88")
    assert status == 404
    assert found["error"] == 404
    assert "'XZ88' is neither a unit_id nor a cadre_id" in found["message"]
    assert "did you mean" in found["message"]


def test_whatif_over_http(server: Server) -> None:
    status, found = post_whatif(server, {"set": {TOWNSHIP_WEIGHT: 0.35}})
    assert status == 200
    assert [(c["id"], c["grade_before"], c["grade_after"]) for c in found["changes"]] == [
        ("XZ08", "较差", "一般")
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"set": {"satisfaction.wieght.乡镇": 0.35}}, "did you mean satisfaction.weight.乡镇"),
        ({"set": {TOWNSHIP_WEIGHT: 1.5}}, "expected a number >= 0 and <= 1, got 1.5"),
        ({"set": {TOWNSHIP_WEIGHT: 0.3}, "of": ["criticism"]}, "unknown member of"),
        ({"set": [TOWNSHIP_WEIGHT]}, '"set" must be an object'),
        ({"off": "criticism"}, '"off" must be a list of rule names'),
        ([1, 2], "expected a JSON object"),
        (b"{not json", "the request body is not JSON"),
        ({"off": ["critcism"]}, "did you mean criticism"),
    ],
)
def test_bad_whatifs_are_400_with_a_message(server: Server, body: object, message: str) -> None:
    status, found = post_whatif(server, body)
    assert status == 400
    assert found["error"] == 400
    assert message in found["message"]


def test_unknown_paths_and_methods_are_json_errors(server: Server) -> None:
    assert get_json(server.url + "/api/nothing") == (404, {"error": 404, "message": "no such page"})
    status, found = get_json(server.url + "/api/whatif")
    assert (status, found["error"]) == (405, 405)


def test_openapi_describes_every_api_path(server: Server) -> None:
    status, spec = get_json(server.url + "/openapi.json")
    assert status == 200
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/api/results",
        "/api/explain/{id}",
        "/api/parameters",
        "/api/whatif",
    }
    # every reference resolves
    text = json.dumps(spec)
    for ref in {part.split('"')[0] for part in text.split('"$ref": "')[1:]}:
        node: Any = spec
        for key in ref.removeprefix("#/").split("/"):
            node = node[key]


def test_parameters_over_http(server: Server) -> None:
    status, found = get_json(server.url + "/api/parameters")
    assert status == 200
    weight = next(p for p in found if p["path"] == TOWNSHIP_WEIGHT)
    assert (weight["value"], weight["low"], weight["high"]) == (0.15, 0.0, 1.0)


def test_pages_fetch_nothing_from_elsewhere(server: Server) -> None:
    for path in ("/", "/cadres", "/whatif", "/explain/XZ08"):
        status, headers, body = request(server.url + path)
        assert status == 200
        assert headers["content-security-policy"].startswith("default-src 'self'")
        page = body.decode()
        assert "//" not in page  # no address elsewhere, not even a protocol-relative one


def test_the_whatif_page_without_script(server: Server) -> None:
    query = urllib.parse.urlencode({TOWNSHIP_WEIGHT: "0.35"})
    status, _, body = request(server.url + "/whatif?" + query)
    page = body.decode()
    assert status == 200
    assert 'id="change-XZ08"' in page
    assert "0.15 → 0.35" in page


def test_a_foreign_host_name_is_refused_on_loopback(server: Server) -> None:
    status, _, _ = request(server.url + "/api/results", headers={"host": "attacker.example"})
    assert status == 400


class Broken(Board):
    """A board with a bug."""

    def units(self) -> list[dict[str, Any]]:
        raise ZeroDivisionError("a bug")


def test_a_bug_is_a_500_with_a_short_message(board: Board) -> None:
    broken = Broken(board.scheme, board.data, board.results)
    with Server(create_app(broken)) as running:
        status, found = get_json(running.url + "/api/results")
        assert status == 500
        assert found["message"].startswith(
            "kaohe stopped on an unexpected error (ZeroDivisionError)"
        )
        status, _, body = request(running.url + "/")
        assert status == 500
        assert "This is a bug" in body.decode()
        assert "Traceback" not in body.decode()


# -- the token ----------------------------------------------------------------------------


def test_without_the_token_401(guarded: Server) -> None:
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "Basic x"}):
        status, found = get_json(guarded.url + "/api/results", headers=headers)
        assert status == 401
        assert "token" in found["message"]
    status, headers, _ = request(guarded.url + "/")
    assert status == 401
    assert headers["www-authenticate"] == "Bearer"


def test_with_the_token(guarded: Server) -> None:
    status, _ = get_json(guarded.url + "/api/results", headers={"authorization": f"Bearer {TOKEN}"})
    assert status == 200
    status, headers, _ = request(guarded.url + "/?token=" + TOKEN)
    assert status == 200
    cookie = headers["set-cookie"].split(";")[0]
    assert cookie == f"kaohe_token={TOKEN}"
    status, _, _ = request(guarded.url + "/cadres", headers={"cookie": cookie})
    assert status == 200


# -- the command ----------------------------------------------------------------------------


def test_serve_refuses_another_address_without_a_token() -> None:
    result = CliRunner().invoke(main, ["--lang", "en", "serve", str(COUNTY), "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--host 0.0.0.0 lets other machines connect: give a token" in result.output


def test_serve_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "uvicorn", None)
    result = CliRunner().invoke(main, ["--lang", "en", "serve", str(COUNTY)])
    assert result.exit_code == 1
    assert "pip install 'kaohe[serve]'" in result.output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_serve_runs_uvicorn_on_the_address_given(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: dict[str, Any] = {}

    def run(self: Any, sockets: list[socket.socket]) -> None:
        ran.update(address=sockets[0].getsockname(), app=self.config.app)

    monkeypatch.setattr(uvicorn.Server, "run", run)
    port = free_port()
    result = CliRunner().invoke(
        main,
        ["--lang", "en", "serve", str(COUNTY), "--port", str(port), "--token", TOKEN],
    )
    assert result.exit_code == 0, result.output
    assert f"serving http://127.0.0.1:{port}/" in result.output
    assert ran["address"] == ("127.0.0.1", port)


def test_serve_says_when_the_port_is_taken() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["--lang", "en", "serve", str(COUNTY), "--port", str(port)]
        )
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port} (" in result.output
    assert "choose another --port or --host" in result.output


# -- a real browser ---------------------------------------------------------------------------


@pytest.mark.skipif(
    not CHROMIUM.exists() and not IN_CI,
    reason=f"no {CHROMIUM} (outside CI only; CI installs it: {INSTALL})",
)
def test_in_a_browser_the_weight_moves_xz08_from_poor_to_fair(server: Server) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing; in CI this test must run: {INSTALL}")
    if IN_CI:
        from playwright.sync_api import sync_playwright
    else:
        sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            page = browser.new_page()
            page.goto(server.url + "/")
            assert "较差" in page.inner_text("#unit-XZ08")
            page.click("text=假如调整方案")
            page.wait_for_url("**/whatif")
            field = page.locator(f'input[name="{TOWNSHIP_WEIGHT}"]')
            assert field.input_value() == "0.15"
            assert page.locator("#change-XZ08").count() == 0
            field.fill("0.35")
            row = page.locator("#change-XZ08")
            row.wait_for(timeout=5000)
            text = row.inner_text()
            assert "河坝乡" in text
            assert "较差 → 一般" in text
            assert "58.69 → 60.55" in text
            assert "0.15 → 0.35" in page.inner_text("#changes")
            row.locator("a").click()
            page.wait_for_url("**/explain/unit:XZ08?*")
            explanation = page.inner_text("#explanation")
            assert "单位 XZ08 河坝乡" in explanation
            assert "等次:一般 —— 由得分决定:F = 60.55" in explanation
        finally:
            browser.close()
