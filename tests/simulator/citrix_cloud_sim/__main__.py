"""Command line: ``python -m citrix_cloud_sim --port 0 --ready-file F [options]``."""

import argparse
import asyncio
import json
import signal
import sys

from .faults import FaultConfigError, validate
from .server import serve
from .simulator import CLOUD, GOVERNMENT, ON_PREMISES, Simulator


def parse_faults(value):
    """``--faults`` takes JSON, or ``@path`` to a JSON file."""
    if value.startswith("@"):
        with open(value[1:], encoding="utf-8") as handle:
            value = handle.read()
    try:
        return json.loads(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"--faults is not valid JSON: {err}") from None


def build_parser():
    parser = argparse.ArgumentParser(prog="citrix_cloud_sim", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    parser.add_argument("--ready-file", help="write the connection details here as JSON once listening")
    parser.add_argument("--machines", type=int, default=0, help="add catalog 'Scale' with N generated machines")
    parser.add_argument("--private-desktops", type=int, default=0,
                        help="add a static catalog 'DEMOLAB Private' of N desktops, half in a delivery group, "
                             "and an empty manual catalog 'DEMOLAB Manual'")
    parser.add_argument("--latency-ms", type=float, help="latency added to every Citrix request")
    parser.add_argument("--token-ttl", type=float, help="token lifetime in seconds (default 3600)")
    parser.add_argument("--power-seconds", type=float, default=0.3,
                        help="seconds per power state transition (default 0.3)")
    parser.add_argument("--job-seconds", type=float, default=1.0,
                        help="an async job's life, and how long a synchronous $batch takes to answer (default 1.0)")
    parser.add_argument("--faults", type=parse_faults, help="fault config as JSON or @file (see README)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throwaway CA (ca_path in ready file)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--on-premises", dest="mode", action="store_const", const=ON_PREMISES,
                      help="serve an on-premises Orchestration service (CVAD 2311+): tokens with HTTP Basic, "
                           "customer CitrixOnPremises, DaaS under /citrix/orchestration/api, no Citrix Cloud routes")
    mode.add_argument("--government", dest="mode", action="store_const", const=GOVERNMENT,
                      help="serve Citrix Cloud Government: the trust service token flow, DaaS under "
                           "/citrix/orchestration/api, resource locations at the registry, no other platform service")
    parser.set_defaults(mode=CLOUD)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    faults = dict(args.faults or {})
    if args.latency_ms is not None:
        faults["latency_ms"] = args.latency_ms
    if args.token_ttl is not None:
        faults["token_ttl_s"] = args.token_ttl
    try:
        validate(faults)
    except FaultConfigError as err:
        sys.exit(f"citrix_cloud_sim: {err}")
    if args.machines < 0 or args.power_seconds < 0 or args.private_desktops < 0 or args.job_seconds <= 0:
        sys.exit("citrix_cloud_sim: --machines, --power-seconds and --private-desktops must not be negative, "
                 "--job-seconds must be positive")
    sim = Simulator(machines=args.machines, power_seconds=args.power_seconds, faults=faults,
                    job_seconds=args.job_seconds, private_desktops=args.private_desktops, mode=args.mode)
    asyncio.run(run(sim, args))


async def run(sim, args):
    task = asyncio.ensure_future(serve(sim, args.host, args.port, args.ready_file, args.tls))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        pass  # a clean stop on SIGTERM / SIGINT


if __name__ == "__main__":
    main()
