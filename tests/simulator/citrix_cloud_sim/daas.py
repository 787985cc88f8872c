"""Citrix DaaS REST API handlers: ``/cvad/manage/...`` plus the retired ``/cvadapis/...`` preview
paths that Citrix's tutorial scripts still call (site id in the path, no Citrix-InstanceId)."""

import json
import re
import time
import uuid
from urllib.parse import quote, urlsplit, parse_qsl

from multidict import CIMultiDict

from . import models
from .auth import check_daas
from .errors import ApiError, bad_request_daas, daas_error, not_found_daas
from .paging import is_preview, page, project, query_bool
from .power import queue_action
from .routing import ORCHESTRATION, SimRequest, SimResponse
from .world import Job

POWER_VERBS = ["start", "shutdown", "reboot", "suspend", "resume"]
JOB_TYPES = {"start": "StartMachines", "shutdown": "ShutDownMachines", "reboot": "RebootMachines",
             "suspend": "SuspendMachines", "resume": "ResumeMachines"}
# More PATCH /Machines properties: hook(world, machine, body) checks them, returns what applies them.
PATCH_HOOKS = []
MESSAGE_STYLES = {"Unknown", "Critical", "Question", "Exclamation", "Information"}


# -- helpers --------------------------------------------------------------------------------------
def route_prefixes(direct=False):
    """(prefixes of /me, of /Sites, of site-scoped routes) for DaaS behind the gateway or reached directly.

    Behind the API gateway: /cvad/manage with the Citrix-CustomerId / Citrix-InstanceId headers, and
    the retired /cvadapis preview. Reached directly (an on-premises Orchestration service, Citrix Cloud
    Government's {customerId}.xendesktop.us), as Citrix's client calls it: /me at the API root, Sites
    below the customer, every other route below customer and site (Go SDK: after discovery the base
    path gains /{customerId}/{siteId}, so "Me ... will no longer work" there).
    """
    if direct:
        return [ORCHESTRATION], [ORCHESTRATION + "/{customerId}"], [ORCHESTRATION + "/{customerId}/{siteId}"]
    return ["/cvad/manage", "/cvadapis"], ["/cvad/manage", "/cvadapis"], ["/cvad/manage", "/cvadapis/{siteId}"]


def api_prefix(req):
    """Where this request's API lives, for Location headers: /cvad/manage, /cvadapis/{siteId}, or
    the Orchestration service's /citrix/orchestration/api/{customerId}/{siteId}."""
    if req.path.startswith(ORCHESTRATION):
        return "%s/%s/%s" % (ORCHESTRATION, quote(req.params.get("customerId", ""), safe=""),
                             quote(req.params.get("siteId", ""), safe=""))
    if req.path.startswith("/cvadapis"):
        return f"/cvadapis/{req.params['siteId']}" if "siteId" in req.params else "/cvadapis"
    return "/cvad/manage"


def site_scoped(fn):
    """Wrap a handler with the site-scoped header checks."""
    def handler(sim, req):
        check_daas(sim, req, site_scoped=True, site_in_path=req.params.get("siteId"),
                   customer_in_path=req.params.get("customerId"))
        return fn(sim, req)
    handler.__name__ = fn.__name__
    return handler


def json_body(req):
    content_type = req.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in ("application/json", "text/json"):
        raise daas_error(415, "Caller must send the request body as application/json.", "UnsupportedMediaType")
    try:
        body = req.json()
    except (ValueError, UnicodeDecodeError):
        raise bad_request_daas("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise bad_request_daas("The request body must be a JSON object.")
    return body


def known_fields_only(body, model_name, allowed):
    """The body with the model's spelling of each property; 400 for one the request model does not
    have (matched case-insensitively, as the service's JSON binding matches names): accepted, it
    would be dropped without a word."""
    known = {name.lower(): name for name in allowed}
    unknown = sorted(k for k in body if k.lower() not in known)
    if unknown:
        raise bad_request_daas(f"{model_name} has no property {', '.join(unknown)}.")
    return {known[k.lower()]: v for k, v in body.items()}


def machine_view(sim, req, machine, detail=True, takes_fields=True):
    render = models.machine_detail_model if detail else models.machine_model
    return project(req, render(sim.world, machine), models.MACHINE_DEFAULT_FIELDS, takes_fields)


def session_view(sim, req, session):
    model = models.session_model(sim.world, session, machine_defaults=not is_preview(req))
    return project(req, model, models.SESSION_DEFAULT_FIELDS)


def machine_or_404(sim, name_or_id):
    machine = sim.world.find_machine(name_or_id)
    if machine is None:
        raise not_found_daas("Machine")
    return machine


def session_or_404(sim, session_id):
    session = sim.world.sessions.get(session_id.lower())
    if session is None:
        raise not_found_daas("Session")
    return session


def run_maybe_async(sim, req, job_type, parameters, work):
    """Run ``work()`` now; with ``async=true`` answer 202 + Location to a job instead.

    The job runs ``work`` when it starts, a fifth into its ``sim.job_seconds`` (the service acts
    during the job's life, not when the request arrives), and ends Complete with the work's answer
    as its Results, or Failed with the error message. A job canceled before it starts never acts.
    """
    if not query_bool(req, "async"):
        return work()
    job = Job(id=str(uuid.uuid4()), type=job_type, created=time.time(), created_mono=time.monotonic(),
              duration=sim.job_seconds, parameters=parameters, work=lambda: job_outcome(work))
    sim.world.jobs[job.id] = job
    return SimResponse(202, None, {"Location": f"{req.base_url}{api_prefix(req)}/Jobs/{job.id}"})


def job_outcome(work):
    """(result body, error string) of a job's work."""
    try:
        return work().body, None
    except ApiError as err:
        return None, err.body.get("ErrorMessage") or err.body.get("detail") or "The operation failed."


# -- /me and /Sites --------------------------------------------------------------------------------
def get_me(sim, req):
    token = check_daas(sim, req, site_scoped=False)  # the root of the API: no customer in the path
    world = sim.world
    expiry = time.time() + max(0.0, sim.tokens.expiry(token) - time.monotonic())
    return SimResponse(200, {
        "UserId": sim.user_id,
        "DisplayName": "API client",
        "ExpiryTime": models.now_iso(expiry),
        "RefreshExpirationTime": models.now_iso(expiry),
        "VerifiedEmail": "admin@demolab.example",
        "IsCspCustomer": False,
        "Customers": [{"Id": world.customer_id, "Name": world.customer_name,
                       "Sites": [{"Id": world.site.id, "Name": world.site.name}]}],
    })


def list_sites(sim, req):
    check_daas(sim, req, site_scoped=False, customer_in_path=req.params.get("customerId"))
    return SimResponse(200, {"Items": [{"Id": sim.world.site.id, "Name": sim.world.site.name}]})


def get_site(sim, req):
    check_daas(sim, req, site_scoped=False, customer_in_path=req.params.get("customerId"))
    site = sim.world.site
    if req.params["nameOrId"].lower() not in (site.id.lower(), site.name.lower()):
        raise not_found_daas("Site")
    return SimResponse(200, {"Id": site.id, "Name": site.name})


# -- catalogs and delivery groups -----------------------------------------------------------------
def catalog_or_404(sim, req):
    catalog = sim.world.find_catalog(req.params["nameOrId"])
    if catalog is None:
        raise not_found_daas("Machine catalog")
    return catalog


def group_or_404(sim, req):
    group = sim.world.find_delivery_group(req.params["nameOrId"])
    if group is None:
        raise not_found_daas("Delivery group")
    return group


@site_scoped
def list_catalogs(sim, req):
    world = sim.world
    return SimResponse(200, page(req, list(world.catalogs.values()), lambda c: models.catalog_model(world, c),
                                 models.CATALOG_DEFAULT_FIELDS))


@site_scoped
def get_catalog(sim, req):
    catalog = models.catalog_model(sim.world, catalog_or_404(sim, req), detail=True)
    return SimResponse(200, project(req, catalog, models.CATALOG_DEFAULT_FIELDS))


@site_scoped
def catalog_machines(sim, req):
    catalog = catalog_or_404(sim, req)
    return machines_page(sim, req, lambda m: m.catalog_id == catalog.id)


@site_scoped
def list_groups(sim, req):
    world = sim.world
    return SimResponse(200, page(req, list(world.delivery_groups.values()),
                                 lambda g: models.delivery_group_model(world, g), models.GROUP_DEFAULT_FIELDS))


@site_scoped
def get_group(sim, req):
    group = group_or_404(sim, req)
    model = models.delivery_group_model(sim.world, group, detail=True)
    return SimResponse(200, project(req, model, models.GROUP_DEFAULT_FIELDS))


@site_scoped
def group_machines(sim, req):
    group = group_or_404(sim, req)
    # This route takes only limit and continuationToken: fields= is ignored, the default set returned.
    return machines_page(sim, req, lambda m: m.dg_id == group.id, takes_fields=False)


# -- machines -------------------------------------------------------------------------------------
@site_scoped
def list_machines(sim, req):
    support = (req.query.get("sessionSupport") or "").lower()
    return machines_page(sim, req, lambda m: not support or m.session_support.lower() == support)


def machines_page(sim, req, keep, takes_fields=True):
    """One page of the machines `keep` accepts, in the list form (not the detail form)."""
    machines = [m for m in sim.world.machines.values() if keep(m)]
    return SimResponse(200, page(req, machines, lambda m: models.machine_model(sim.world, m),
                                 models.MACHINE_DEFAULT_FIELDS, takes_fields))


@site_scoped
def get_machine(sim, req):
    machine = machine_or_404(sim, req.params["nameOrId"])
    return SimResponse(200, machine_view(sim, req, machine))


@site_scoped
def patch_machine(sim, req):
    machine = machine_or_404(sim, req.params["nameOrId"])
    body = known_fields_only(json_body(req), "UpdateMachineRequestModel", models.UPDATE_MACHINE_FIELDS)
    if "InMaintenanceMode" in body and not isinstance(body["InMaintenanceMode"], bool):
        raise bad_request_daas("InMaintenanceMode must be a boolean.")

    applies = [hook(sim.world, machine, body) for hook in PATCH_HOOKS]  # each checks its fields first

    def work():
        if "InMaintenanceMode" in body:
            machine.in_maintenance = body["InMaintenanceMode"]
        for apply in applies:
            apply()
        return SimResponse(204)

    params = [{"Name": "Id", "Value": machine.id}, {"Name": "Name", "Value": machine.name}]
    return run_maybe_async(sim, req, "UpdateMachineCatalogMachine", params, work)


def power_handler(verb):
    @site_scoped
    def handler(sim, req):
        machine = machine_or_404(sim, req.params["nameOrId"])
        force = query_bool(req, "force")
        detail = req.query.get("detailResponseRequired", "true").lower() != "false"

        def work():
            queue_action(sim.world, machine, verb, sim.power_seconds, force=force)
            sim.stats.power_actions.setdefault(machine.id, []).append(verb)
            # Power actions take no fields=: the default set.
            return SimResponse(200, machine_view(sim, req, machine, detail, takes_fields=False))

        params = [{"Name": "Id", "Value": machine.id}, {"Name": "Name", "Value": machine.name}]
        return run_maybe_async(sim, req, JOB_TYPES[verb], params, work)
    handler.__name__ = f"power_{verb}"
    return handler


@site_scoped
def machine_sessions(sim, req):
    machine = machine_or_404(sim, req.params["nameOrId"])
    items = [session_view(sim, req, s) for s in sim.world.machine_sessions(machine)]
    return SimResponse(200, {"Items": items})


# -- sessions -------------------------------------------------------------------------------------
@site_scoped
def list_sessions(sim, req):
    sessions = list(sim.world.sessions.values())
    return SimResponse(200, page(req, sessions, lambda s: models.session_model(
        sim.world, s, machine_defaults=not is_preview(req)), models.SESSION_DEFAULT_FIELDS))


@site_scoped
def get_session(sim, req):
    return SimResponse(200, session_view(sim, req, session_or_404(sim, req.params["id"])))


@site_scoped
def logoff_session(sim, req):
    session = session_or_404(sim, req.params["id"])

    def work():
        sim.world.end_session(session.id)
        return SimResponse(204)
    return run_maybe_async(sim, req, "LogoffSessions", [{"Name": "Id", "Value": session.id}], work)


@site_scoped
def disconnect_session(sim, req):
    session = session_or_404(sim, req.params["id"])

    def work():
        if session.state != "Disconnected":
            session.state, session.state_change_time = "Disconnected", time.time()
        return SimResponse(200, session_view(sim, req, session))
    return run_maybe_async(sim, req, "DisconnectSessions", [{"Name": "Id", "Value": session.id}], work)


@site_scoped
def send_message(sim, req):
    session = session_or_404(sim, req.params["id"])
    body = known_fields_only(json_body(req), "SendMessageRequestModel", models.SEND_MESSAGE_FIELDS)
    style = body.get("Style", "Information")
    if style not in MESSAGE_STYLES:
        raise bad_request_daas(f"Invalid Style: {style!r}.")

    def work():
        machine = sim.world.machines[session.machine_id]
        sim.world.messages_sent.append({
            "SessionId": session.id, "Machine": machine.name, "User": session.user,
            "Title": body.get("Title", ""), "Text": body.get("Text", ""), "Style": style,
            "Time": models.now_iso(),
        })
        return SimResponse(200, session_view(sim, req, session))
    return run_maybe_async(sim, req, "SendSessionMessage", [{"Name": "Id", "Value": session.id}], work)


# -- jobs -----------------------------------------------------------------------------------------
def job_or_404(sim, req):
    job = sim.world.jobs.get(req.params["id"].lower())
    if job is None:
        raise not_found_daas("Job")
    return job


@site_scoped
def list_jobs(sim, req):
    return SimResponse(200, {"Items": [models.job_model(j) for j in sim.world.jobs.values()]})


@site_scoped
def get_job(sim, req):
    return SimResponse(200, models.job_model(job_or_404(sim, req)))


@site_scoped
def job_results(sim, req):
    job = job_or_404(sim, req)
    status = models.job_status(job)[0]
    if status != "Complete":
        raise daas_error(400, f"Job is {status}; it has no results.", "InvalidArgument")
    return SimResponse(200, job.result if isinstance(job.result, dict) else {})


@site_scoped
def cancel_job(sim, req):
    job = job_or_404(sim, req)
    status = models.job_status(job)[0]
    if status not in ("NotStarted", "InProgress"):
        raise daas_error(409, f"Job is {status} and cannot be canceled.", "InvalidOperation")
    job.canceled = True
    return SimResponse(200, models.job_model(job))


# -- $batch ---------------------------------------------------------------------------------------
@site_scoped
def batch(sim, req):
    if req.in_batch:
        raise bad_request_daas("A batch cannot contain another batch.")
    body = json_body(req)
    items = body.get("Items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise bad_request_daas("Items must be a list of batch request items.")
    for item in items:
        if not item.get("Reference") or not item.get("RelativeUrl"):
            raise bad_request_daas("Each batch item needs Reference and RelativeUrl.")

    def work():
        return SimResponse(200, {"Items": [run_batch_item(sim, req, item) for item in items]})
    resp = run_maybe_async(sim, req, "Batch", [], work)
    if resp.status == 200:
        # A synchronous batch answers once every item is done: it takes a job's time, and may
        # outlast a client's timeout (the spec's reason to prefer async=true).
        resp.hold = sim.job_seconds
    return resp


# What a $batch item takes from the outer request when its own Headers leave it out. Never
# Authorization: the service authenticates each item by its own Headers, in the one form Citrix's
# client sends there (`Authorization: Bearer <token>`, see auth.bearer_token), so an item without
# one is 401 even inside an authorised batch.
# Citrix-CustomerId and Citrix-InstanceId are inherited because the provider's items carry only
# Authorization and still reach the outer request's customer and site; an item that names them is
# checked like any call (403 another customer, 404 an unknown site).
BATCH_INHERITED = ("Accept", "Citrix-CustomerId", "Citrix-InstanceId", "Citrix-TransactionId", "User-Agent")


def batch_item_headers(outer, item):
    headers = CIMultiDict((name, outer.headers[name]) for name in BATCH_INHERITED if name in outer.headers)
    for header in item.get("Headers") or []:
        if isinstance(header, dict) and header.get("Name"):
            headers[header["Name"]] = str(header.get("Value", ""))
    if item.get("Body") and "Content-Type" not in headers:
        headers["Content-Type"] = "application/json"
    return headers


def run_batch_item(sim, outer, item):
    """Dispatch one item through the same router, authenticated by its own Headers."""
    url = urlsplit(item["RelativeUrl"])
    if outer.path.startswith(ORCHESTRATION):
        # Relative to the API root: Citrix's client writes "{customerId}/{siteId}/Machines/..." here
        # (GetBatchRequestItemRelativeUrl); an item without them names no route.
        path = ORCHESTRATION + "/" + re.sub("/+", "/", url.path.lstrip("/"))
    elif url.path.startswith(("/cvad/manage", "/cvadapis")):
        path = url.path
    else:
        path = api_prefix(outer) + url.path
    sub = SimRequest(method=(item.get("Method") or "GET").upper(), path=path, query=dict(parse_qsl(url.query)),
                     headers=batch_item_headers(outer, item), body=(item.get("Body") or "").encode(),
                     base_url=outer.base_url, in_batch=True)
    resp = sim.router.dispatch(sim, sub)
    out_headers = [{"Name": k, "Value": v} for k, v in resp.headers.items()]
    result = {"Reference": item["Reference"], "Code": resp.status, "Headers": out_headers}
    if resp.body is not None:
        result["Body"] = json.dumps(resp.body)
    return result


# -- routes ---------------------------------------------------------------------------------------
SITE_ROUTES = [
    ("GET", "/MachineCatalogs", list_catalogs),
    ("GET", "/MachineCatalogs/{nameOrId}", get_catalog),
    ("GET", "/MachineCatalogs/{nameOrId}/Machines", catalog_machines),
    ("GET", "/DeliveryGroups", list_groups),
    ("GET", "/DeliveryGroups/{nameOrId}", get_group),
    ("GET", "/DeliveryGroups/{nameOrId}/Machines", group_machines),
    ("GET", "/Machines", list_machines),
    ("GET", "/Machines/{nameOrId}", get_machine),
    ("PATCH", "/Machines/{nameOrId}", patch_machine),
    ("GET", "/Machines/{nameOrId}/Sessions", machine_sessions),
    *[("POST", f"/Machines/{{nameOrId}}/${verb}", power_handler(verb)) for verb in POWER_VERBS],
    ("GET", "/Sessions", list_sessions),
    ("GET", "/Sessions/{id}", get_session),
    ("POST", "/Sessions/{id}/$logoff", logoff_session),
    ("POST", "/Sessions/{id}/$disconnect", disconnect_session),
    ("POST", "/Sessions/{id}/$sendMessage", send_message),
    ("GET", "/Jobs", list_jobs),
    ("GET", "/Jobs/{id}", get_job),
    ("GET", "/Jobs/{id}/Results", job_results),
    ("POST", "/Jobs/{id}/$cancel", cancel_job),
    ("POST", "/$batch", batch),
]


def register(router, direct=False):
    me_prefixes, sites_prefixes, site_prefixes = route_prefixes(direct)
    for prefix in me_prefixes:
        router.add("GET", f"{prefix}/me", get_me)
    for prefix in sites_prefixes:
        router.add("GET", f"{prefix}/Sites", list_sites)
        router.add("GET", f"{prefix}/Sites/{{nameOrId}}", get_site)
    for method, path, handler in SITE_ROUTES:
        for prefix in site_prefixes:
            router.add(method, prefix + path, handler)
