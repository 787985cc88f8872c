"""citrix_cloud_sim: a stateful stand-in for Citrix Cloud and Citrix DaaS REST APIs.

Run it with ``python -m citrix_cloud_sim --port 0 --ready-file F``; see README.md.
"""

__version__ = "0.1.0"
