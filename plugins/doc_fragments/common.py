# -*- coding: utf-8 -*-
# Copyright: Contributors to the citrix.cloud project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared option docs: MODULES (env fallbacks in words), PLUGINS (env/ini), DAAS (site_id),
MACHINES and SESSIONS (the DaaS selectors, as _selection.MACHINE_SELECTORS and
_sessions.SESSION_SELECTORS define them); PARALLELISM, JOBS and MAINTENANCE_FILTER (the argspecs
_module.PARALLELISM_ARGS, _module.JOB_WAIT_ARGS and _selection.MAINTENANCE_FILTER)."""

from __future__ import annotations


class ModuleDocFragment(object):

    MODULES = r"""
options:
  customer_id:
    description:
      - For Citrix Cloud and Citrix Cloud Government, the customer id (CCID), shown under Identity and Access
        Management > API Access. Required there; the task fails before any call when neither this nor
        E(CITRIX_CUSTOMER_ID) is set.
      - For on-premises Citrix Virtual Apps and Desktops (O(username) and O(password)), C(CitrixOnPremises)
        unless set.
      - If not set, the value of the E(CITRIX_CUSTOMER_ID) environment variable is used.
    type: str
  client_id:
    description:
      - For Citrix Cloud and Citrix Cloud Government, the id of an API client (secure client).
      - Give O(client_id) and O(client_secret), or O(access_token); or, for on-premises, O(username) and
        O(password) instead.
      - If not set, the value of the E(CITRIX_CLIENT_ID) environment variable is used, unless
        O(access_token) is set in the task.
    type: str
  client_secret:
    description:
      - For Citrix Cloud and Citrix Cloud Government, the secret of the API client O(client_id).
      - If not set, the value of the E(CITRIX_CLIENT_SECRET) environment variable is used, unless
        O(access_token) is set in the task.
    type: str
  access_token:
    description:
      - A bearer token got elsewhere (for example from M(citrix.cloud.citrix_token)), used instead of
        O(client_id) and O(client_secret), or of O(username) and O(password). It cannot be renewed, so it
        must outlive the task. For Citrix Cloud and Citrix Cloud Government; on-premises, give O(username)
        and O(password).
      - Mutually exclusive with O(client_id), O(client_secret), O(username) and O(password).
      - If not set, the value of the E(CITRIX_ACCESS_TOKEN) environment variable is used, unless
        O(client_id) or O(client_secret) is set in the task.
    type: str
  username:
    description:
      - For on-premises Citrix Virtual Apps and Desktops (2311 and later) only - a Citrix administrator's
        domain account, as C(DOMAIN\\user) or a user principal name (C(user@domain.example)).
      - With O(username) and O(password), O(api_url) names the server that runs the Orchestration service
        (Web Studio), the token comes from its C(/citrix/orchestration/api/tokens) route (HTTP Basic
        authentication) and is cached like a Citrix Cloud token (never the password), O(customer_id) is
        C(CitrixOnPremises) unless set, and O(region) must not be set.
      - Mutually exclusive with O(client_id), O(client_secret) and O(access_token).
      - If not set, the value of the E(CITRIX_USERNAME) environment variable is used, unless a Citrix
        Cloud credential is set in the task.
    type: str
  password:
    description:
      - For on-premises Citrix Virtual Apps and Desktops only - the password of O(username).
      - It is sent only over C(https://) (an C(http://) O(api_url) is refused, except on this machine's
        loopback address), never logged, and never written to the token cache.
      - If not set, the value of the E(CITRIX_PASSWORD) environment variable is used, unless a Citrix
        Cloud credential is set in the task.
    type: str
  region:
    description:
      - For Citrix Cloud only - the region whose hosts are used; V(global) when not set.
      - V(global) is C(api.cloud.com), V(us) C(api-us.cloud.com), V(eu) C(api-eu.cloud.com),
        V(ap-s) C(api-ap-s.cloud.com), V(jp) (Citrix Cloud Japan) C(api.citrixcloud.jp).
      - Citrix documents only C(api.cloud.com) (and Japan's C(api.citrixcloud.jp)) for the DaaS
        REST API and resource locations; V(us), V(eu) and V(ap-s) are kept as aliases for the
        regional hosts that serve the same API, and V(global) is the recommended choice.
      - V(gov) is Citrix Cloud Government (US) - tokens from C(trust.citrixworkspacesapi.us), DaaS on the
        customer's own C({customer_id}.xendesktop.us) host, resource locations at
        C(registry.citrixworkspacesapi.us). Citrix publishes no Government host for service states or
        notifications, so those modules fail there before any call.
      - Not for on-premises sites (O(username) and O(password)) - set O(api_url) instead.
      - If not set, the value of the E(CITRIX_REGION) environment variable is used.
    type: str
    choices: [global, us, eu, ap-s, jp, gov]
  api_url:
    description:
      - For on-premises Citrix Virtual Apps and Desktops, required - the base URL of the server that runs
        the Orchestration service (Web Studio), like C(https://ddc1.example.com).
      - For Citrix Cloud and Citrix Cloud Government, optional - one base URL that replaces every Citrix
        host, for a simulator or an API gateway. Each service keeps the path it has on its own host.
      - If not set, the value of the E(CITRIX_API_URL) environment variable is used. Set but empty, it is
        not set, and without E(CITRIX_API_URL) that is an error before any call, rather than Citrix Cloud's own hosts.
    type: str
  validate_certs:
    description:
      - Whether to check the TLS certificate of the service. Only turn this off for a test endpoint.
      - If not set, the value of the E(CITRIX_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to trust, for a private CA (as on-premises servers often have) or a
        TLS-inspecting proxy.
      - If not set, the value of the E(CITRIX_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request, from 1 to 3600.
    type: int
    default: 30
  retries:
    description:
      - How many times, in all, a request is tried when it fails in a way worth retrying
        (throttling, a busy or unreachable service), the first try included, so V(0) and V(1) both mean one
        try and no retry. From 0 to 20. Delays grow exponentially and honour C(Retry-After).
      - A request that changes something is only sent again when the service provably did not take it.
    type: int
    default: 5
  token_cache:
    description:
      - Reuse a token across tasks and processes on this controller through an owner-only cache file
        in E(CITRIX_TOKEN_CACHE_DIR), else C(${XDG_CACHE_HOME:-~/.cache}/citrix.cloud).
        The file never holds the secret (or password); it is encrypted with a key derived from it where the
        Python that runs the module has C(cryptography) (otherwise it is plain JSON, still readable by its owner only).
      - The folder is used only when it is owned by the user running the module, writable by no one else
        and not a symbolic link (a missing one is created with mode 0700; an existing one is never changed).
        Otherwise, or when its lock is held for over 30 seconds, the module warns and works without the cache.
      - If not set, the value of the E(CITRIX_TOKEN_CACHE) environment variable is used.
    type: bool
    default: true
notes:
  - Environment variables and proxies (E(HTTPS_PROXY), E(NO_PROXY)) are read where the module runs,
    usually the controller (C(delegate_to) V(localhost)).
attributes:
  action_group:
    description: Use C(group/citrix.cloud.all) in C(module_defaults) to set the shared options once.
    support: full
    membership:
      - citrix.cloud.all
requirements:
  - python >= 3.8
  - requests
"""

    DAAS = r"""
options:
  site_id:
    description:
      - The DaaS site id (a GUID), sent as C(Citrix-InstanceId).
      - Found through C(/me) when the customer has exactly one site.
      - If not set, the value of the E(CITRIX_SITE_ID) environment variable is used.
    type: str
"""

    # in_maintenance_mode is not here: citrix_machine_maintenance sets that mode, so it cannot
    # select by it, and the modules that can word it for what they do.
    MACHINES = r"""
options:
  name:
    description:
      - Machines by name, id or SID. Write names as DaaS shows them, with the domain and a backslash
        (C(DEMOLAB\\EAGLE)).
      - With O(catalog) or O(delivery_group), the names are matched within those machines, by
        name, id or SID, case-insensitively, at no extra request.
    type: list
    elements: str
  catalog:
    description:
      - Machines of this machine catalog, by name or id.
        A catalog in an admin folder goes by its full name, C(Folder\\Name) (nested folders
        C(Folder1\\Folder2\\Name)), or by its plain name where no other catalog has it.
    type: str
  delivery_group:
    description:
      - Machines of this delivery group, by name or id.
        A delivery group in an admin folder goes by its full name, C(Folder\\Name) (nested folders
        C(Folder1\\Folder2\\Name)), or by its plain name where no other delivery group has it.
    type: str
  power_state:
    description:
      - Only machines in one of these power states.
    type: list
    elements: str
    choices: [Unknown, Unmanaged, Unavailable, 'Off', 'On', Suspended, TurningOn, TurningOff,
              Suspending, Resuming, NotSupported, VirtualMachineNotFound]
  registration_state:
    description:
      - Only machines in one of these registration states.
    type: list
    elements: str
    choices: [Unknown, Unregistered, Initializing, Registered, AgentError]
  idle:
    description:
      - Only machines without sessions (V(true)) or with sessions (V(false)).
      - A machine whose session count the service did not report counts as having sessions.
    type: bool
notes:
  - A selector or filter that is given but empty or null (V([]), V(''), V(null), as a template
    can produce) fails the task before any call; it never means "every machine".
"""

    SESSIONS = r"""
options:
  id:
    description:
      - Sessions with these ids.
    type: list
    elements: str
  machine:
    description:
      - Sessions on these machines, each by name (C(DOMAIN\\NAME)), id or SID.
    type: list
    elements: str
  catalog:
    description:
      - Sessions on machines of this machine catalog, by name or id (C(Folder\\Name) for one in an
        admin folder, or its plain name where no other catalog has it).
    type: str
  delivery_group:
    description:
      - Sessions on machines of this delivery group, by name or id (C(Folder\\Name) for one in an
        admin folder, or its plain name where no other delivery group has it).
    type: str
  user:
    description:
      - Only sessions of these users, each as C(DOMAIN\\user), a user principal name or a plain
        user name, case-insensitively.
    type: list
    elements: str
notes:
  - A selector or filter that is given but empty or null (V([]), V(''), V(null), as a template
    can produce) fails the task before any call; it never means "every session".
"""

    # Each fragment below documents the argspec named above it: _module.PARALLELISM_ARGS
    PARALLELISM = r"""
options:
  parallelism:
    description:
      - How many requests run at once, at most, in every phase (sends, job polls, re-reads),
        from 1 to 100.
    type: int
    default: 10
"""

    # _module.JOB_WAIT_ARGS
    JOBS = r"""
options:
  wait_timeout:
    description:
      - Seconds to wait for each job the change starts, from 1 to 86400 (the module sends its
        change with C(async=true) and follows the job).
    type: int
    default: 600
"""

    # _selection.MAINTENANCE_FILTER
    MAINTENANCE_FILTER = r"""
options:
  in_maintenance_mode:
    description:
      - Only machines in (V(true)) or out of (V(false)) maintenance mode.
    type: bool
"""

    PLUGINS = r"""
options:
  customer_id:
    description:
      - For Citrix Cloud and Citrix Cloud Government, the customer id (CCID), shown under Identity and
        Access Management > API Access. Required there; the plugin fails before any call, naming both,
        when neither this nor E(CITRIX_CUSTOMER_ID) is set.
      - For on-premises Citrix Virtual Apps and Desktops (O(username) and O(password)), C(CitrixOnPremises)
        unless set.
    type: str
    env:
      - name: CITRIX_CUSTOMER_ID
    ini:
      - section: citrix_cloud
        key: customer_id
  client_id:
    description:
      - For Citrix Cloud and Citrix Cloud Government, the id of an API client. Give O(client_id) and
        O(client_secret), or O(access_token); for on-premises, O(username) and O(password).
    type: str
    env:
      - name: CITRIX_CLIENT_ID
    ini:
      - section: citrix_cloud
        key: client_id
  client_secret:
    description:
      - The secret of the API client O(client_id).
    type: str
    env:
      - name: CITRIX_CLIENT_SECRET
    ini:
      - section: citrix_cloud
        key: client_secret
  access_token:
    description:
      - A bearer token got elsewhere, used instead of O(client_id) and O(client_secret) (or O(username)
        and O(password)).
    type: str
    env:
      - name: CITRIX_ACCESS_TOKEN
  username:
    description:
      - For on-premises Citrix Virtual Apps and Desktops (2311 and later) only - a Citrix administrator's
        domain account, C(DOMAIN\\user) or C(user@domain.example); O(api_url) then names the server that
        runs the Orchestration service, and O(region) must not be set.
    type: str
    env:
      - name: CITRIX_USERNAME
    ini:
      - section: citrix_cloud
        key: username
  password:
    description:
      - For on-premises Citrix Virtual Apps and Desktops only - the password of O(username), sent only
        over C(https://) (except to this machine's loopback address), never cached.
    type: str
    env:
      - name: CITRIX_PASSWORD
  region:
    description:
      - For Citrix Cloud only - the region whose hosts are used; V(global) when not set.
      - V(global) is C(api.cloud.com), V(us) C(api-us.cloud.com), V(eu) C(api-eu.cloud.com),
        V(ap-s) C(api-ap-s.cloud.com), V(jp) (Citrix Cloud Japan) C(api.citrixcloud.jp),
        V(gov) Citrix Cloud Government (DaaS on C({customer_id}.xendesktop.us)).
      - Citrix documents only C(api.cloud.com) (and Japan's C(api.citrixcloud.jp)) for the DaaS
        REST API and resource locations; V(us), V(eu) and V(ap-s) are kept as aliases for the
        regional hosts that serve the same API, and V(global) is the recommended choice.
      - Not for on-premises sites (O(username) and O(password)).
    type: str
    choices: [global, us, eu, ap-s, jp, gov]
    env:
      - name: CITRIX_REGION
    ini:
      - section: citrix_cloud
        key: region
  api_url:
    description:
      - For on-premises Citrix Virtual Apps and Desktops, required - the server that runs the
        Orchestration service, like C(https://ddc1.example.com).
      - For Citrix Cloud, optional - one base URL that replaces every Citrix host, for a simulator or an
        API gateway.
      - Set but empty, it is not set, and without E(CITRIX_API_URL) that is an error before any call.
    type: str
    env:
      - name: CITRIX_API_URL
    ini:
      - section: citrix_cloud
        key: api_url
  validate_certs:
    description:
      - Whether to check the TLS certificate of the service.
    type: bool
    default: true
    env:
      - name: CITRIX_VALIDATE_CERTS
    ini:
      - section: citrix_cloud
        key: validate_certs
  ca_path:
    description:
      - A PEM file of CA certificates to trust.
    type: path
    env:
      - name: CITRIX_CA_PATH
    ini:
      - section: citrix_cloud
        key: ca_path
  timeout:
    description:
      - Seconds to wait for each HTTP request, from 1 to 3600.
    type: int
    default: 30
  retries:
    description:
      - How many times, in all, a request is tried when it fails in a way worth retrying, the first try
        included (V(0) and V(1) both mean one try). From 0 to 20.
    type: int
    default: 5
  token_cache:
    description:
      - Reuse a token across processes on this controller through an owner-only cache file (encrypted where C(cryptography) is available).
    type: bool
    default: true
    env:
      - name: CITRIX_TOKEN_CACHE
    ini:
      - section: citrix_cloud
        key: token_cache
  site_id:
    description:
      - The DaaS site id (a GUID); found through C(/me) when the customer has exactly one site.
    type: str
    env:
      - name: CITRIX_SITE_ID
    ini:
      - section: citrix_cloud
        key: site_id
requirements:
  - python >= 3.8
  - requests
"""
