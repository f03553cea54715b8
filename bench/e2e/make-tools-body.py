#!/usr/bin/env python3
"""Writes the harness's request bodies with a tool list added, for the e2e "tools" profiles.

usage: make-tools-body.py HARNESS_LOAD_DIR TOOLS_JSONL COUNT
Takes the first COUNT BFCL tools of the tool-selection catalog (../shared/data/tool-selection,
Apache-2.0, see its README) as OpenAI function tools and adds them to request.json and
request_stream.json in place. The messages stay the harness's own, so the mock's answer and the
direct baseline are unchanged; only the body the gateway reads, ranks and rewrites grows.
"""
import json
import sys

load_dir, catalog, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
tools = []
with open(catalog, encoding="utf-8") as f:
    for line in f:
        tool = json.loads(line)
        if tool["source"] != "bfcl":
            continue
        tools.append({"type": "function", "function": {k: tool[k] for k in ("name", "description", "parameters")}})
        if len(tools) == count:
            break

for name in ("request.json", "request_stream.json"):
    path = f"{load_dir}/{name}"
    with open(path, encoding="utf-8") as f:
        body = json.load(f)
    body["tools"] = tools
    with open(path, "w", encoding="utf-8") as f:
        json.dump(body, f, separators=(",", ":"))
    print(f"{path}: {len(tools)} tools, {len(json.dumps(body, separators=(',', ':')))} bytes", file=sys.stderr)
