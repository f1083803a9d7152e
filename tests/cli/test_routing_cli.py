"""`gctui routing …` as a user runs it, against the simulated org over loopback.

Witnesses are the simulator's own answers and logs, read without gctui.services: its request
counter (``/sim/control/stats``), its job list (``/sim/control/analytics/jobs``), its webhook
receiver (``/sim/webhooks/{name}``) and its raw aggregate answer, summed here by hand."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gctui.cli.main import main
from gctui.sim import SimConfig
from gctui.sim.server import SimThread

CLIENT_ID = "gctui-demo"
SECRET = "gctui-demo-secret"
SUMMARY = re.compile(r"^gctui: (\d+) requests? made, (\d+) answered 429, \d+\.\d\d s wall time$")
MONTH = "2026-10-01T00:00:00Z/2026-10-31T00:00:00Z"
WEEK = "2026-10-01T00:00:00Z/2026-10-08T00:00:00Z"
QUEUES = 12


@dataclass
class Org:
    sim: SimThread
    config: Path

    @property
    def url(self) -> str:
        return self.sim.base_url

    def control(self, method: str, path: str, body: object = None) -> Any:
        resp = httpx.request(method, f"{self.url}/sim/control{path}", json=body)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def requests(self) -> int:
        return int(self.control("GET", "/stats")["requests"])

    def jobs(self) -> list[dict[str, Any]]:
        return list(self.control("GET", "/analytics/jobs")["jobs"])

    def received(self, name: str) -> list[dict[str, Any]]:
        return list(httpx.get(f"{self.url}/sim/webhooks/{name}").json()["entities"])

    def raw_aggregates(self, interval: str) -> list[dict[str, Any]]:
        token = httpx.post(
            f"{self.url}/oauth/token", data={"grant_type": "client_credentials"}, auth=(CLIENT_ID, SECRET)
        ).json()["access_token"]
        resp = httpx.post(
            f"{self.url}/api/v2/analytics/conversations/aggregates/query",
            json={
                "interval": interval,
                "granularity": "P1D",
                "timeZone": "UTC",
                "groupBy": ["queueId"],
                "metrics": ["nOffered", "tAnswered"],
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        resp.raise_for_status()
        return list(resp.json().get("results", []))


def _write(path: Path, url: str, routing: str = "") -> None:
    path.write_text(
        f'default_profile = "sim"\n\n[profiles.sim]\napi_url = "{url}"\n'
        f'client_id = "{CLIENT_ID}"\nclient_secret = "{SECRET}"\n\n[routing]\ntime_zone = "UTC"\n{routing}'
    )


@pytest.fixture
def org(tmp_path: Path) -> Iterator[Org]:
    config = SimConfig(queues=QUEUES, actions=5, flows=5, edges=1, rate_limit=100_000, token_rate_limit=1000,
                       analytics_job_page_size=5)  # fmt: skip
    with SimThread(config) as sim:
        path = tmp_path / "config.toml"
        _write(path, sim.base_url)
        yield Org(sim, path)


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def doc(self) -> Any:
        return json.loads(self.out)

    def summary(self) -> tuple[int, int]:
        m = SUMMARY.match(self.err.splitlines()[-1])
        assert m, self.err
        return int(m.group(1)), int(m.group(2))


def gctui(org: Org, capsys: pytest.CaptureFixture[str], *args: str, pre: tuple[str, ...] = ()) -> Run:
    capsys.readouterr()
    try:
        code = main(["--config", str(org.config), *pre, "routing", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return Run(code, out, err)


ROW_KEYS = {
    "queueId", "name", "division", "method", "methods", "skillEvaluation", "usedRouting", "offered", "answered",
    "handled", "abandoned", "abandonRate", "asaMs", "ahtMs", "serviceLevel", "transferRate", "waiting",
    "interacting", "onQueue", "lowVolume", "score", "rank", "percentile", "breakdown",
}  # fmt: skip


def test_score_json_shape_and_numbers_match_the_sims_raw_answer(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    run = gctui(org, capsys, "score", "--interval", WEEK, "--json")
    assert run.code == 0, run.err
    doc = run.doc
    assert doc["interval"] == "2026-10-01T00:00:00.000Z/2026-10-08T00:00:00.000Z"
    assert doc["query"] == {"mode": "sync", "jobId": None}
    assert doc["weights"] == {"handled": 0.3, "abandoned": 0.3, "asa": 0.4}
    assert doc["directions"] == {"handled": "higher", "abandoned": "lower", "asa": "lower"}
    rows = doc["rows"]
    assert len(rows) == doc["count"] == QUEUES and all(set(r) == ROW_KEYS for r in rows)
    # witness: the sim's own daily buckets per queue (no usedRouting split), summed by hand
    want: dict[str, tuple[int, int, float]] = {}
    for res in org.raw_aggregates(WEEK):
        off = ans = 0
        asa_sum = 0.0
        for bucket in res["data"]:
            for m in bucket["metrics"]:
                if m["metric"] == "nOffered":
                    off += m["stats"]["count"]
                elif m["metric"] == "tAnswered":
                    ans += m["stats"]["count"]
                    asa_sum += m["stats"]["sum"]
        want[res["group"]["queueId"]] = (off, ans, asa_sum)
    for r in rows:
        off, ans, asa_sum = want.get(r["queueId"], (0, 0, 0.0))
        assert (r["offered"], r["answered"]) == (off, ans), r["name"]
        if ans:
            assert r["asaMs"] == pytest.approx(asa_sum / ans, abs=0.06)
        assert r["abandonRate"] is None or 0 <= r["abandonRate"] <= 1
    ranked = [r for r in rows if not r["lowVolume"]]
    assert [r["rank"] for r in ranked] == sorted(r["rank"] for r in ranked) and ranked[0]["rank"] == 1
    top = ranked[0]
    assert [b["kpi"] for b in top["breakdown"]] == ["handled", "abandoned", "asa"]
    assert sum(b["contribution"] for b in top["breakdown"]) == pytest.approx(top["score"], abs=1e-3)
    assert {r["method"] for r in rows} <= {
        "standard",
        "bullseye",
        "preferred",
        "conditional",
        "last",
        "predictive",
        "direct",
    }
    requests, throttled = run.summary()
    assert requests >= 4 and throttled == 0


def test_thirty_days_go_through_a_job_with_cursor_pages_and_match_the_sync_answer(
    org: Org, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run = gctui(org, capsys, "score", "--interval", MONTH, "--json")
    assert run.code == 0, run.err
    doc = run.doc
    assert doc["query"]["mode"] == "job"
    (job,) = org.jobs()
    assert job["jobId"] == doc["query"]["jobId"] and job["state"] == "FULFILLED"
    assert job["resultPages"] > 1  # 5 groups a page: paged by cursor
    assert "aggregate job fulfilled" in run.err
    # the same interval through the sync query gives the same table
    _write(org.config, org.url, "job_threshold_days = 60\n")
    sync = gctui(org, capsys, "score", "--interval", MONTH, "--json")
    assert sync.code == 0 and sync.doc["query"]["mode"] == "sync" and len(org.jobs()) == 1
    strip = [
        {k: v for k, v in r.items() if k not in ("waiting", "interacting", "onQueue")} for r in doc["rows"]
    ]
    assert strip == [
        {k: v for k, v in r.items() if k not in ("waiting", "interacting", "onQueue")}
        for r in sync.doc["rows"]
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--interval", "2026-10-08T00:00:00Z/2026-10-01T00:00:00Z"), "the end must come after the start"),
        (("--interval", "2024-01-01T00:00:00Z/2026-01-01T00:00:00Z"), "longer than 366 days"),
        (("--weights", "asa=-0.4"), "a weight must be a finite number >= 0"),
        (("--weights", "asa=0,abandoned=0"), "at least one weight must be above 0"),
        (("--weights", "speed=1"), "unknown KPI 'speed'"),
        (("--filter", "bogus>1"), "unknown field 'bogus'"),
        (("--min-offered", "-1"), "min offered -1"),
    ],
)
def test_bad_input_exits_2_and_sends_nothing(
    org: Org, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    before = org.requests()
    run = gctui(org, capsys, "score", *args, "--json")
    assert run.code == 2 and run.out == ""
    assert message in run.err and "Traceback" not in run.err
    assert org.requests() == before  # not even a token request


def test_unknown_queue_name_exits_2(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    run = gctui(org, capsys, "score", "--queues", "No Such Queue", "--json")
    assert run.code == 2 and "no queue with id or name 'No Such Queue'" in run.err


def test_named_cohort_and_by_method(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    everyone = gctui(org, capsys, "score", "--interval", WEEK, "--json").doc["rows"]
    two = [everyone[0]["name"], everyone[-1]["queueId"]]
    run = gctui(org, capsys, "score", "--interval", WEEK, "--queues", ",".join(two), "--json")
    assert run.code == 0
    assert {r["queueId"] for r in run.doc["rows"]} == {everyone[0]["queueId"], everyone[-1]["queueId"]}
    by = gctui(org, capsys, "score", "--interval", WEEK, "--by", "method", "--json")
    assert by.code == 0
    methods = by.doc["rows"]
    assert sum(m["queues"] for m in methods) == QUEUES
    assert sum(m["offered"] for m in methods) == sum(r["offered"] for r in everyone)
    csv_run = gctui(org, capsys, "score", "--interval", WEEK, "--csv")
    assert csv_run.out.splitlines()[0].startswith("rank,queueId,name,method,score")
    assert len(csv_run.out.splitlines()) == QUEUES + 1


def test_read_only_scores_through_a_job_but_refuses_push(
    org: Org, capsys: pytest.CaptureFixture[str]
) -> None:
    run = gctui(org, capsys, "score", "--interval", MONTH, "--json", pre=("--read-only",))
    assert run.code == 0, run.err
    assert run.doc["query"]["mode"] == "job"
    before = org.requests()
    push = gctui(
        org, capsys, "push", "--webhook", f"{org.url}/sim/webhooks/bi", "--yes", pre=("--read-only",)
    )
    assert push.code == 2
    assert "read-only mode" in push.err and "nothing sent" in push.err
    assert org.requests() == before and org.received("bi") == []


def test_push_posts_the_audited_bytes(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    run = gctui(org, capsys, "push", "--interval", WEEK, "--webhook", f"{org.url}/sim/webhooks/bi", "--yes")
    assert run.code == 0, run.err
    for part in (
        "timestamp:",
        "evaluation type: queue",
        "interval:        2026-10-01",
        "record count:    12",
    ):
        assert part in run.err
    (delivery,) = org.received("bi")
    body = delivery["body"]
    assert body["recordCount"] == len(body["data"]) == QUEUES and body["evaluationType"] == "queue"
    assert body["weights"] == {"handled": 0.3, "abandoned": 0.3, "asa": 0.4}
    posted = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    audit = gctui(org, capsys, "audit", "--json")
    assert audit.code == 0
    (record,) = audit.doc["pushes"]
    assert record["sha256"] == hashlib.sha256(posted).hexdigest()
    assert record["status"] == 200 and record["rows"] == QUEUES and record["state"] == "done"
    assert record["interval"] == "2026-10-01T00:00:00.000Z/2026-10-08T00:00:00.000Z"
    assert "webhooks/bi" not in json.dumps(record)  # the URL is a secret: only its host


def test_push_failure_exits_1_and_is_audited(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    org.control("PUT", "/webhooks/bi/fail", {"status": 503})
    run = gctui(org, capsys, "push", "--interval", WEEK, "--webhook", f"{org.url}/sim/webhooks/bi", "--yes")
    assert run.code == 1 and "answered HTTP 503" in run.err
    (record,) = gctui(org, capsys, "audit", "--json").doc["pushes"]
    assert (record["status"], record["state"]) == (503, "failed")


def test_push_without_a_terminal_or_yes_refuses(org: Org, capsys: pytest.CaptureFixture[str]) -> None:
    before = org.requests()
    run = gctui(org, capsys, "push", "--webhook", f"{org.url}/sim/webhooks/bi")
    assert run.code == 2 and "no terminal to confirm on" in run.err
    assert org.requests() == before


def test_demo_works(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--demo", "routing", "score", "--last", "7d", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["count"] > 0
