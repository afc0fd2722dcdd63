"""Live delivery across two nodes (issue 15): a phone message written on node A, its toast's event
on the recipient's WebSocket held by node B; its read receipt back on the author's socket on A.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME REDIS_URL=redis://127.0.0.1:6379/N \\
        .venv/bin/python bench/reception.py            # 100 messages, ports 8163 and 8164

It builds a throw-away instance as bench/writes.py does (the database ``test_<NAME>``, dropped at
the end; migrations; the demo), starts two ``maillon serve`` nodes sharing PostgreSQL and Redis,
opens the recipient's socket on node B and the reception agent's on node A, then, one after the
other, ``--messages`` times:

- **message → event**: the agent posts the phone-message form to node A (the page a reception agent
  uses; its view calls reception.services.send_message); measured from just before the POST to the
  moment node B's socket delivers the ``reception.message`` event with the caller's name (what
  maillon.js turns into the toast);
- **open → receipt**: the recipient opens the message on node B; measured from just before that
  GET to the ``reception.receipt`` « read » on node A's socket.

The first ``--warmup`` messages are not counted. Prints p50/p95/max of both (and the form's own
answer time), writes ``bench/results/reception.json``, and exits 1 when the p95 of message → event
is over ``--budget-ms`` (300 ms, the issue's budget) or any message got lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from load import CSRF, Connection  # noqa: E402  (the tiny keep-alive HTTP/1.1 client)
from writes import RESULTS, drop, percentile, prepare, start_server, stop_server  # noqa: E402  (the throw-away instance)


def people(org: str) -> tuple[dict, dict]:
    """The reception agent (a member given the role when the demo has none) and a recipient, each
    with a session opened in-process as allauth would."""
    from django.conf import settings
    from django.test import Client

    from maillon.accounts.models import Membership, RoleAssignment
    from maillon.accounts.roles import Role
    from maillon.testing import allauth_login

    members = list(Membership.objects.with_roles().active().filter(organisation__slug=org).select_related("user").order_by("pk"))
    if len(members) < 2:
        raise SystemExit(f"No members in « {org} »: is the demo loaded?")
    agent = next((m for m in members if m.has_role(Role.RECEPTION)), None)
    if agent is None:
        agent = members[0]
        RoleAssignment.objects.create(membership=agent, role=Role.RECEPTION)
    recipient = next(m for m in members if m.pk != agent.pk and not m.has_role(Role.RECEPTION, *settings.MAILLON_MFA_REQUIRED_ROLES))

    def session(membership) -> dict:
        client = Client()
        allauth_login(client, membership.user)
        return {"membership": membership.pk, "cookies": {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}}

    return session(agent), session(recipient)


class Socket:
    """A page's live socket: every event kept with the moment it arrived."""

    def __init__(self, port: int, cookies: dict, org: str):
        self.port, self.cookies, self.org = port, cookies, org
        self.arrived: asyncio.Queue = asyncio.Queue()

    async def open(self):
        import websockets

        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await websockets.connect(f"ws://127.0.0.1:{self.port}/ws/notifications/?org={self.org}",
                                           additional_headers={"Cookie": cookie, "Origin": f"http://127.0.0.1:{self.port}"})
        json.loads(await asyncio.wait_for(self.ws.recv(), 10))  # the unread count
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self):
        async for text in self.ws:
            event = json.loads(text).get("event")
            if event:
                self.arrived.put_nowait((time.perf_counter(), event))

    async def wait_for(self, match, timeout: float) -> tuple[float, dict]:
        async with asyncio.timeout(timeout):
            while True:
                moment, event = await self.arrived.get()
                if match(event):
                    return moment, event

    async def close(self):
        self.reader.cancel()
        await self.ws.close()


async def run(args, agent: dict, recipient: dict) -> dict:
    node_a, node_b = args.port, args.port + 1
    form = f"/{args.org}/messages/accueil/telephone/"
    author_socket = Socket(node_a, agent["cookies"], args.org)
    recipient_socket = Socket(node_b, recipient["cookies"], args.org)
    await author_socket.open()
    await recipient_socket.open()
    author_http = Connection("127.0.0.1", node_a, agent["cookies"])
    recipient_http = Connection("127.0.0.1", node_b, recipient["cookies"])
    status, _headers, page = await author_http.request("GET", form)
    if status != 200:
        raise SystemExit(f"the phone-message form answered {status} to the agent")
    token = CSRF.search(page).group(1).decode()
    delivered, answered, receipts, lost = [], [], [], []
    for i in range(args.warmup + args.messages):
        caller = f"Banc {i:04d}"
        body = urlencode({"csrfmiddlewaretoken": token, "recipient": recipient["membership"], "caller_name": caller,
                          "caller_number": "", "text": f"Message de mesure n° {i}.", "action": "for_info",
                          "urgency": "normal"}).encode()
        started = time.perf_counter()
        status, _headers, _page = await author_http.request("POST", form, body, "application/x-www-form-urlencoded")
        answer = time.perf_counter() - started
        if status != 302:
            raise SystemExit(f"message {i}: the form answered {status}")
        try:
            arrived, event = await recipient_socket.wait_for(lambda e, c=caller: e["type"] == "reception.message" and c in e["title"], args.timeout)
        except TimeoutError:
            lost.append(caller)
            continue
        opened = time.perf_counter()
        status, _headers, _page = await recipient_http.request("GET", event["url"])
        if status != 200:
            raise SystemExit(f"message {i}: its page answered {status} to the recipient")
        try:
            read, _receipt = await author_socket.wait_for(
                lambda e, m=event["id"]: e["type"] == "reception.receipt" and e["id"] == m and e["state"] == "read", args.timeout)
        except TimeoutError:
            lost.append(f"receipt of {caller}")
            continue
        if i >= args.warmup:
            delivered.append(arrived - started)
            answered.append(answer)
            receipts.append(read - opened)
        await asyncio.sleep(args.pause)
    await author_socket.close()
    await recipient_socket.close()

    def figures(values):
        return {"p50_ms": round(percentile(values, 50) * 1000, 1), "p95_ms": round(percentile(values, 95) * 1000, 1),
                "max_ms": round(max(values, default=0) * 1000, 1)}

    return {"messages": len(delivered), "lost": lost, "message_to_event": figures(delivered),
            "form_answer": figures(answered), "open_to_receipt": figures(receipts)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between two messages")
    parser.add_argument("--port", type=int, default=8163, help="node A; node B is the next port")
    parser.add_argument("--workers", type=int, default=1, help="web processes of each node")
    parser.add_argument("--org", default="les-tilleuls")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds an event may take before it counts as lost")
    parser.add_argument("--budget-ms", type=float, default=300.0, help="p95 of message → event allowed")
    parser.add_argument("--keep", action="store_true", help="keep the data directory (and the nodes' stderr) afterwards")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("bench/reception.py needs DATABASE_URL (PostgreSQL) and REDIS_URL: two nodes share them.", file=sys.stderr)
        return 2
    args.data_dir = tempfile.mkdtemp(prefix="maillon-reception-")
    args.old_name = None
    nodes = []
    try:
        server_env = prepare(args)
        agent, recipient = people(args.org)
        from django.db import connection

        connection.close()
        for port in (args.port, args.port + 1):
            node = SimpleNamespace(data_dir=str(Path(args.data_dir) / f"node-{port}"), port=port, workers=args.workers)
            Path(node.data_dir).mkdir()
            nodes.append(start_server(node, server_env))
        result = {"database": connection.vendor, "nodes": 2, "workers_per_node": args.workers, **asyncio.run(run(args, agent, recipient)),
                  "budget_p95_ms": args.budget_ms}
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "reception.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print(json.dumps(result, indent=2, ensure_ascii=False))
        over = result["message_to_event"]["p95_ms"] > args.budget_ms
        print("FAILED: " + ("over budget" if over else "") + (f" {len(result['lost'])} lost" if result["lost"] else "")
              if over or result["lost"] else f"OK: message → event p95 within {args.budget_ms:g} ms", file=sys.stderr)
        return 1 if over or result["lost"] else 0
    finally:
        for node in nodes:
            stop_server(node)
        drop(args)

if __name__ == "__main__":
    sys.exit(main())
