"""The aiohttp front door: one catch-all handler that counts the request, applies faults and
latency (asyncio sleeps, so slow requests never serialise), dispatches to the router, and adds
the transaction id header. Also TLS setup and the ready file."""

import asyncio
import json
import os
import ssl
import tempfile
import uuid

from aiohttp import web

from .routing import SimRequest, error_response, is_daas_path

SIM_PREFIX = "/_sim/"


def transaction_header(path):
    """DaaS answers with Citrix-TransactionId, the platform services with X-Cws-TransactionId."""
    return "Citrix-TransactionId" if is_daas_path(path) else "X-Cws-TransactionId"


def to_sim_request(request, body):
    return SimRequest(
        method=request.method,
        path=request.rel_url.raw_path,
        query=dict(reversed(list(request.rel_url.query.items()))),  # first value wins
        headers=request.headers,
        body=body,
        base_url=f"{request.scheme}://{request.host}",
    )


def to_web_response(resp, request_headers, path):
    headers = dict(resp.headers)
    headers[transaction_header(path)] = request_headers.get("Citrix-TransactionId") or str(uuid.uuid4())
    if resp.body is None:
        return web.Response(status=resp.status, reason=resp.reason, headers=headers)
    headers["Content-Type"] = "application/json; charset=utf-8"
    return web.Response(status=resp.status, reason=resp.reason, headers=headers,
                        body=json.dumps(resp.body).encode())


def drop_connection(request):
    """Close the connection without an answer, as a broken network path would. aiohttp then
    finds the transport closed and writes nothing."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    return web.Response(status=204)


def make_app(sim):
    async def handle(request):
        body = await request.read()
        req = to_sim_request(request, body)
        if req.path.startswith(SIM_PREFIX):
            return to_web_response(sim.router.dispatch(sim, req), request.headers, req.path)
        return await handle_citrix(request, req)

    async def handle_citrix(request, req):
        stats = sim.stats
        stats.started()
        status = None
        try:
            delay = sim.faults.delay_seconds()
            if delay:
                await asyncio.sleep(delay)
            sim.world.tick()
            injected = sim.faults.injected_error(req.path)
            hold = sim.faults.process_delay_seconds(req.method, req.path) if injected is None else 0
            if hold:
                # Slow to process: the service acts after the hold, whether the client still waits
                # or not (aiohttp does not cancel a handler whose client went away).
                await asyncio.sleep(hold)
                sim.world.tick()
            if injected is not None:
                sim.router.match_route_name(req)
                resp = error_response(injected)
            else:
                if sim.faults.drop_before():
                    stats.dropped["before"] += 1
                    sim.router.match_route_name(req)
                    return drop_connection(request)
                resp = sim.router.dispatch(sim, req)
                if resp.hold:
                    await asyncio.sleep(resp.hold)
                if sim.faults.drop_after():
                    stats.dropped["after"] += 1
                    return drop_connection(request)
            status = resp.status
            return to_web_response(resp, request.headers, req.path)
        finally:
            route = req.route or f"{req.method} (unmatched)"
            stats.finished(route, status)
            revoked = sim.tokens.handled(route)  # a revocation scheduled after this route's n-th request
            if revoked is not None:
                stats.revoked(revoked)

    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def make_tls(directory):
    """A throwaway CA (trustme) and a server certificate for 127.0.0.1 / localhost."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost", "::1")
    ca_path = os.path.join(directory, "citrix-cloud-sim-ca.pem")
    ca.cert_pem.write_to_path(ca_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context, ca_path


def write_ready_file(path, info):
    """Atomically: readers either see no file or the whole JSON."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".ready-", dir=directory)
    with os.fdopen(fd, "w") as handle:
        json.dump(info, handle)
    os.replace(tmp, path)


async def tick_forever(sim, every=0.05):
    """Jobs start and machines change power state on time, even while no request comes in."""
    while True:
        await asyncio.sleep(every)
        sim.world.tick()


async def serve(sim, host, port, ready_file=None, tls=False):
    """Run until cancelled (SIGTERM / SIGINT are turned into cancellation by __main__)."""
    tls_dir = tempfile.mkdtemp(prefix="citrix-cloud-sim-") if tls else None
    context, ca_path = make_tls(tls_dir) if tls else (None, None)
    runner = web.AppRunner(make_app(sim), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=context, backlog=1024)
    await site.start()
    ticker = asyncio.ensure_future(tick_forever(sim))
    bound_port = runner.addresses[0][1]
    url_host = f"[{host}]" if ":" in host else host
    info = sim.ready_info(f"{'https' if tls else 'http'}://{url_host}:{bound_port}")
    if ca_path:
        info["ca_path"] = ca_path
    if ready_file:
        write_ready_file(ready_file, info)
    try:
        await asyncio.Event().wait()
    finally:
        ticker.cancel()
        await runner.cleanup()
        if tls_dir:
            for name in os.listdir(tls_dir):
                os.unlink(os.path.join(tls_dir, name))
            os.rmdir(tls_dir)
