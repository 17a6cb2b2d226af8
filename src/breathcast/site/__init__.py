"""Putting them out: the page and the feed published from what was built, the feed's
rules checked, a local server, and the site put online (`deploy/`)."""

from breathcast.core.faces import face

# The names the other rooms use, and the module each lives in. Loaded when first asked
# for, so importing one module of this room never loads the others.
PUBLIC = {
    "check_site": "feedcheck",
    "deployed": "deploy",
    "DeployOptions": "deploy",
    "DeployPlanned": "deploy",
    "DeployRefused": "deploy",
    "FileSent": "deploy",
    "make_server": "serve",
    "port_error": "serve",
    "PORTS": "deploy.target",
}
__all__ = sorted(PUBLIC)
__getattr__, __dir__ = face(__name__, PUBLIC)
