"""`serve`: build, serve on localhost, re-render what an edit affects and reload the browser.

The server is livereload's (it injects its reload script into the HTML it
serves, so `build` output never contains it), with the Host check in front
of each of its routes. Files come from `app.SiteFiles`, the site is kept up
to date by `server.SiteServer`, saves are noticed by `watch`. The search
index (Pagefind) is skipped unless `--search` is given.
"""

from __future__ import annotations

import sys
import urllib.parse
from typing import Any

from insyn.model.i18n import _
from insyn.options import ServeOptions
from insyn.serve.app import host_allowed, wrong_host_text
from insyn.serve.server import SiteServer
from insyn.serve.watch import Watcher

LIVE_SCRIPT = (
    '<script type="text/javascript">(function(){'
    'var s=document.createElement("script");'
    "var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
    's.src="//"+window.location.hostname+":"+port'
    '+ "/livereload.js?port=" + port;'
    "document.head.appendChild(s);"
    "})();</script>"
)


def _loopback_server(site: SiteServer) -> Any:
    """livereload's `Server` for `site`, with the Host check in front of every route.

    livereload has routes of its own before the WSGI app: `/livereload` (the websocket
    that tells browsers to reload), `/forcereload` (which makes them) and `/livereload.js`.
    `SiteServer`'s own check would leave those open to a rebinding page, and livereload
    builds its tornado Application and listens on it in one method, `Server.application`.
    So that method is replaced by one making the same routes (for serve's one port) on
    an Application that answers a request for any other host with 400 before routing it.
    The websocket also refuses (403) a browser page of another origin, which livereload
    lets follow every save.
    """
    from livereload import Server
    from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
    from livereload.server import LiveScriptInjector
    from tornado import httputil, web

    live_script = LIVE_SCRIPT.encode()
    refusal = wrong_host_text(site.hosts)

    class WrongHost(web.RequestHandler):
        def prepare(self) -> None:
            self.set_status(400)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(refusal)

    class SameOriginReloads(LiveReloadHandler):  # type: ignore[misc]
        def check_origin(self, origin: str) -> bool:
            return host_allowed(urllib.parse.urlsplit(origin).netloc, site.hosts)

    class LoopbackApplication(web.Application):
        def find_handler(self, request: httputil.HTTPServerRequest, **kwargs: Any) -> Any:
            # The header, not request.host: tornado makes that 127.0.0.1 for an HTTP/1.0
            # request without Host.
            if host_allowed(request.headers.get("Host"), site.hosts):
                return super().find_handler(request, **kwargs)
            return self.get_handler_delegate(request, WrongHost)

    class Injector(LiveScriptInjector):  # type: ignore[misc]
        script = live_script

    class LoopbackServer(Server):  # type: ignore[misc]
        def application(
            self,
            port: int,
            host: str,
            liveport: int | None = None,
            debug: bool | None = None,
            live_css: bool = True,
        ) -> None:
            if liveport is not None:
                raise ValueError("serve answers on one port: liveport is not supported")
            LiveReloadHandler.watcher = self.watcher
            LiveReloadHandler.live_css = live_css
            handlers = [
                (r"/livereload", SameOriginReloads),
                (r"/forcereload", ForceReloadHandler),
                (r"/livereload.js", LiveReloadJSHandler),
                *self.get_web_handlers(live_script),
            ]
            app = LoopbackApplication(handlers=handlers, debug=bool(debug), transforms=[Injector])
            app.listen(port, address=host)

    return LoopbackServer(app=site)


def serve(options: ServeOptions) -> int:
    from livereload.handlers import LiveReloadHandler
    from tornado.ioloop import IOLoop

    site = SiteServer(options)
    if not options.build.search:
        print(
            _("The search index (Pagefind) is not built in the preview; use --search."),
            file=sys.stderr,
        )
    site.rebuild()
    server = _loopback_server(site)
    # livereload needs one watched path of its own (else it polls the whole folder); the
    # rebuilds come from our watcher, which tells livereload's browsers when one is done.
    server.watch(str(options.build.data / "site.yaml"), lambda: None)
    loop = IOLoop.current()
    site.on_rebuilt = lambda: loop.add_callback(LiveReloadHandler.reload_waiters, "*")
    watcher = Watcher(site.watched(), site.on_change)
    site.interrupted = watcher.busy
    watcher.start()
    print(
        _("Preview at http://{host}:{port}/ (Ctrl+C stops)", host=options.host, port=options.port),
        file=sys.stderr,
    )
    try:
        server.serve(
            port=options.port, host=options.host, debug=False, restart_delay=0, live_css=False
        )
    finally:
        watcher.stop()
        site._stop_background()
    return 0
