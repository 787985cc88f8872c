"""Responses validated against Citrix's published schemas (../shared/openapi beside the repo).

Two adjustments make the OpenAPI 3.0 document usable with jsonschema, both about how the spec is
generated rather than what the service sends: enum properties are written as
``{"allOf": [{"$ref": <string enum>}], "type": "object"}``, so the stray ``type: object`` is
dropped; ``nullable: true`` becomes "or null". On top of jsonschema, ``check_names`` fails on any
property the schema does not declare, so misspelt field names cannot slip through.

Where Citrix's current reference (``../shared/openapi/daas-current/``) differs, it wins: a property
it declares for a model is allowed (MaintenanceModeReason, FullName, AdminFolder, ...), and the
2023 ``required`` lists give way to its own (only non-pointer properties are required: the service
answers with a default field set, so most properties may be absent)."""

import copy
import json
import re
from pathlib import Path

import pytest

from citrix_cloud_sim import models

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parents[3]
SPEC = REPO.parent / "shared" / "openapi" / "cvad-techpreview-subset.json"
CURRENT = REPO.parent / "shared" / "openapi" / "daas-current"
pytestmark = pytest.mark.skipif(not SPEC.exists(), reason=f"{SPEC} not present")
DEFAULT_SETS = {
    "MachineResponseModel": models.MACHINE_DEFAULT_FIELDS, "MachineDetailResponseModel": models.MACHINE_DEFAULT_FIELDS,
    "SessionResponseModel": models.SESSION_DEFAULT_FIELDS,
    "MachineCatalogResponseModel": models.CATALOG_DEFAULT_FIELDS,
    "MachineCatalogDetailResponseModel": models.CATALOG_DEFAULT_FIELDS,
    "DeliveryGroupResponseModel": models.GROUP_DEFAULT_FIELDS, "DeliveryGroupDetailResponseModel": models.GROUP_DEFAULT_FIELDS,
}
ROW = re.compile(r"^\*\*(\w+)\*\* \| (.*?) \|", re.M)


def current_model(name):
    """(properties, required) of a model in the current reference, or (set(), set()) without it."""
    page = CURRENT / f"{name}.md"
    if not page.exists():
        return set(), set()
    rows = ROW.findall(page.read_text(encoding="utf-8").split("## Methods")[0])
    return {n for n, _t in rows}, {n for n, t in rows if not t.startswith("Pointer to")}


@pytest.fixture(scope="module")
def schemas():
    components = json.loads(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]
    return {name: openapi_to_jsonschema(s, components) for name, s in components.items()}


def openapi_to_jsonschema(node, components):
    node = copy.deepcopy(node)

    def fix(value):
        if isinstance(value, dict):
            refs = [a.get("$ref") for a in value.get("allOf", []) if isinstance(a, dict)]
            if value.get("type") == "object" and refs and all(
                    r and components[r.rsplit("/", 1)[1]].get("type") not in (None, "object") for r in refs):
                del value["type"]
            value.pop("required", None)  # the current reference's own are checked in validate()
            if value.pop("nullable", False) and "type" in value:
                value["type"] = [value["type"], "null"]
            for child in value.values():
                fix(child)
        elif isinstance(value, list):
            for child in value:
                fix(child)
    fix(node)
    return node


def validate(schemas, name, instance):
    document = {"$ref": f"#/components/schemas/{name}", "components": {"schemas": schemas}}
    jsonschema.Draft7Validator(document).validate(instance)
    check_names(schemas, schemas[name], instance, name)
    model, items = (name[:-len("Collection")], instance.get("Items", [])) if name.endswith("Collection") \
        else (name, [instance])
    # Citrix's Go models mark some properties required that the default field set leaves out
    # (TotalDesktops, SessionCount of delivery groups; SessionsEstablished of machine details): the
    # simulator leaves them out, the reading hardest on clients, so only the rest is required here.
    required = current_model(model)[1] & DEFAULT_SETS.get(model, set())
    for item in items:
        assert required <= set(item), f"{model}: missing required {sorted(required - set(item))}"


def properties_of(schemas, schema):
    """All declared properties of an object schema, following $ref and allOf, plus those the
    current reference declares for each model met on the way."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        props = properties_of(schemas, schemas[name])
        props.update((p, {}) for p in current_model(name)[0] if p not in props)
        return props
    props = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        props.update(properties_of(schemas, part))
    return props


def check_names(schemas, schema, instance, where):
    if isinstance(instance, list):
        item_schema = schema.get("items", {})
        for i, item in enumerate(instance):
            check_names(schemas, item_schema, item, f"{where}[{i}]")
        return
    if not isinstance(instance, dict):
        return
    props = properties_of(schemas, schema)
    if not props:
        return
    unknown = set(instance) - set(props)
    assert not unknown, f"{where}: properties not in Citrix's schema: {sorted(unknown)}"
    for key, value in instance.items():
        check_names(schemas, props[key], value, f"{where}.{key}")


def test_machines(api, schemas):
    validate(schemas, "MachineResponseModelCollection", api.daas("GET", "/Machines", params={"limit": 5}).json())
    for name in ("DEMOLAB|OSPREY", "DEMOLAB|EAGLE", "DEMOLAB|KESTREL"):
        validate(schemas, "MachineDetailResponseModel", api.daas("GET", f"/Machines/{name}").json())
    validate(schemas, "MachineDetailResponseModel", api.daas("POST", "/Machines/DEMOLAB|KESTREL/$reboot").json())


def test_errors(api, schemas):
    validate(schemas, "ErrorData", api.daas("POST", "/Machines/DEMOLAB|EAGLE/$reboot").json())
    validate(schemas, "ErrorData", api.daas("GET", "/Machines/nope").json())
    validate(schemas, "ErrorData", api.daas("GET", "/me", headers={"Authorization": "x"}).json())


def test_jobs(api, schemas):
    location = api.daas("POST", "/Machines/DEMOLAB|KESTREL/$shutdown", params={"async": "true"}).headers["Location"]
    validate(schemas, "JobResponseModel", api.daas("GET", f"/Jobs/{location.rsplit('/', 1)[1]}").json())
    failed = api.daas("POST", "/Machines/DEMOLAB|EAGLE/$start", params={"async": "true"}).headers["Location"]
    validate(schemas, "JobResponseModelCollection", api.daas("GET", "/Jobs").json())
    assert failed


def test_me_and_sites(api, schemas):
    validate(schemas, "MeResponseModel", api.daas("GET", "/me").json())
    validate(schemas, "SiteResponseModelCollection", api.daas("GET", "/Sites").json())


def test_sessions(api, schemas):
    validate(schemas, "SessionResponseModelCollection", api.daas("GET", "/Sessions").json())
    session = api.daas("GET", "/Sessions").json()["Items"][0]
    validate(schemas, "SessionResponseModel", api.daas("POST", f"/Sessions/{session['Id']}/$disconnect").json())


def test_catalogs_and_groups(api, schemas):
    catalogs = api.daas("GET", "/MachineCatalogs").json()
    validate(schemas, "MachineCatalogResponseModelCollection", catalogs)
    validate(schemas, "MachineCatalogDetailResponseModel",
             api.daas("GET", f"/MachineCatalogs/{catalogs['Items'][0]['Id']}").json())
    groups = api.daas("GET", "/DeliveryGroups").json()
    validate(schemas, "DeliveryGroupResponseModelCollection", groups)
    validate(schemas, "DeliveryGroupDetailResponseModel",
             api.daas("GET", f"/DeliveryGroups/{groups['Items'][0]['Id']}").json())


def test_batch(api, schemas):
    body = {"Items": [{"Reference": "1", "Method": "GET", "RelativeUrl": "/Machines/DEMOLAB|HAWK",
                       "Headers": [{"Name": "Authorization", "Value": f"Bearer {api.token}"}]}]}
    validate(schemas, "BatchRequestModel", body)
    validate(schemas, "BatchResponseModel", api.daas("POST", "/$batch", json=body).json())


def test_state_machines_are_api_models(sim, schemas):
    for machine in sim.state()["machines"]:
        validate(schemas, "MachineDetailResponseModel", machine)
