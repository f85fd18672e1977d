#!/usr/bin/env python3
"""Cross-checks the generator's event -> payload mapping against Stripe's own, once.

Stripe publishes the mapping in stripe-node's `types/EventTypes.d.ts` (one interface per
event type, `data.object: Stripe.X`), generated from the same OpenAPI spec as the API
version that stripe-node release pins. This script downloads those releases from the npm
registry (`npm pack`, the only network access), converts each TypeScript payload type to
the spec's resource names (`Stripe.Checkout.Session` -> `checkout.session`; union aliases
such as `Stripe.ExternalAccount` -> their members), and writes one table per spec:

    codegen/tests/data/stripe-mapping/<api-version>.tsv
    event type <TAB> payload resources, sorted, comma-separated <TAB> stripe@<release>

`codegen/tests/mapping.rs` then checks the generator's output against those tables without
the network; every disagreement left is listed there with the reason ours is right.

Usage (from the repository root; needs npm and the codegen binary, which it builds):

    python3 scripts/cross-check-mapping.py [--shared ../shared/stripe-openapi]

It prints, per spec, how many event types agree, and each disagreement.
"""

import argparse
import os
import re
import subprocess
import sys
import tarfile
import tempfile

# The stripe-node release that pins each API version (its `LatestApiVersion`). The releases
# for 2020-08-27 (stripe@8) and 2018-11-08 (stripe@6) have no EventTypes.d.ts: for those
# specs the oldest release that has one (stripe@13.11.0, API 2023-08-16) stands in, and the
# event types it does not know are reported as such. Event types that the pinned release
# lacks (newer or preview events a spec already lists) are looked up in NEWER.
NEWER = "17.7.0"
RELEASES = {
    "2024-04-10": "15.0.0",
    "2023-08-16": "13.11.0",
    "2020-08-27": "13.11.0",
    "2018-11-08": "13.11.0",
}

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def snake(name):
    """`CheckoutSession` -> `checkout_session`; `TestHelpers` -> `test_helpers`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def download(release, into):
    """Unpacks stripe@release under `into`, returns its types directory."""
    target = os.path.join(into, release)
    if not os.path.isdir(target):
        os.makedirs(target)
        out = subprocess.run(
            ["npm", "pack", f"stripe@{release}", "--silent"],
            cwd=target,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip().splitlines()[-1]
        with tarfile.open(os.path.join(target, out)) as tar:
            tar.extractall(target, filter="data")
    return os.path.join(target, "package", "types")


def union_aliases(types_dir):
    """`type ExternalAccount = BankAccount | Card;` -> {"ExternalAccount": [...]}."""
    aliases = {}
    pattern = re.compile(r"^[ \t]*type (\w+) = ([\w \t|]+);", re.M)
    for name in os.listdir(types_dir):
        if not name.endswith(".d.ts"):
            continue
        with open(os.path.join(types_dir, name), encoding="utf-8") as f:
            for m in pattern.finditer(f.read()):
                members = [t.strip() for t in m.group(2).split("|") if t.strip()]
                if len(members) > 1:
                    aliases[m.group(1)] = members
    return aliases


# stripe-node's class names that do not spell the spec's resource id: the same schema.
RENAMED = {
    "invoice_item": "invoiceitem",
    "sigma.scheduled_query_run": "scheduled_query_run",
}


def resources(ts_type, aliases):
    """`Stripe.Issuing.Card` -> ["issuing.card"]; a union alias -> its members."""
    parts = ts_type.split(".")[1:]  # drop `Stripe`
    if len(parts) == 1 and parts[0] in aliases:
        return sorted(r for m in aliases[parts[0]] for r in resources("Stripe." + m, aliases))
    name = ".".join(snake(p) for p in parts)
    return [RENAMED.get(name, name)]


def stripe_mapping(types_dir):
    """{event type: sorted payload resources} from EventTypes.d.ts."""
    with open(os.path.join(types_dir, "EventTypes.d.ts"), encoding="utf-8") as f:
        text = f.read()
    aliases = union_aliases(types_dir)
    names = dict(re.findall(r"interface (\w+)Event extends EventBase \{\s*type: '([^']+)'", text))
    mapping = {}
    for interface, event_type in names.items():
        if re.search(r"namespace " + interface + r"Event \{\s*interface Data extends Stripe\.Event\.Data \{\}", text):
            mapping[event_type] = []  # Stripe's types name no payload for it
            continue
        m = re.search(
            r"namespace " + interface + r"Event \{\s*interface Data extends Stripe\.Event\.Data \{\s*"
            r"object: (Stripe\.[\w.]+(?: \| Stripe\.[\w.]+)*);",
            text,
        )
        if m is None:
            sys.exit(f"no data.object type for {event_type} ({interface}Event)")
        members = m.group(1).split(" | ")
        mapping[event_type] = sorted({r for t in members for r in resources(t, aliases)})
    return mapping


def ours(codegen, spec):
    """{event type: sorted payload resources} from `stripe-events-codegen events`."""
    out = subprocess.run(
        [codegen, "events", "--spec", spec], check=True, capture_output=True, text=True
    ).stdout
    mapping = {}
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) == 3:  # snapshot events; thin rows have four columns
            mapping[cols[0]] = [] if cols[1] == "-" else sorted(cols[1].split(","))
    return mapping


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "stripe-openapi"))
    parser.add_argument("--out", default=os.path.join(ROOT, "codegen", "tests", "data", "stripe-mapping"))
    args = parser.parse_args()

    subprocess.run(
        ["cargo", "build", "--quiet", "--locked", "-p", "stripe-events-codegen"], cwd=ROOT, check=True
    )
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    codegen = os.path.join(target, "debug", "stripe-events-codegen")
    os.makedirs(args.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for version, release in sorted(RELEASES.items(), reverse=True):
            pinned = stripe_mapping(download(release, tmp))
            newer = stripe_mapping(download(NEWER, tmp))
            theirs = {t: (p, release) for t, p in pinned.items()}
            theirs.update({t: (p, NEWER) for t, p in newer.items() if t not in pinned})
            mine = ours(codegen, os.path.join(args.shared, f"spec-{version}.json"))
            with open(os.path.join(args.out, f"{version}.tsv"), "w", encoding="utf-8") as f:
                for event_type in sorted(mine):
                    if event_type in theirs:
                        payload, source = theirs[event_type]
                        f.write(f"{event_type}\t{','.join(payload) or '-'}\tstripe@{source}\n")
            theirs = {t: p for t, (p, _) in theirs.items()}
            common = sorted(set(mine) & set(theirs))
            differ = [t for t in common if mine[t] != theirs[t]]
            print(
                f"{version} (stripe@{release}): {len(common) - len(differ)} of {len(common)} agree; "
                f"{len(set(mine) - set(theirs))} in neither stripe@{release} nor stripe@{NEWER}"
            )
            for t in differ:
                print(f"  {t}: ours {','.join(mine[t]) or '-'}, Stripe's {','.join(theirs[t]) or '-'}")
            for t in sorted(set(mine) - set(theirs)):
                print(f"  {t}: not in stripe-node (ours {','.join(mine[t]) or '-'})")


if __name__ == "__main__":
    main()
