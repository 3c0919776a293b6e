# SPDX-License-Identifier: LGPL-2.1-or-later
"""XenAPI.py's idiom on Python's standard xmlrpc.client, for the tests:
session.xenapi.<class>.<message>(args) with the session prepended,
{Status, Value} unwrapped and failures raised; and xapi_local()'s
transport, HTTP over the endpoint's unix socket."""
import http.client
import socket
import sys
import xmlrpc.client


class Checks:
    """check(what, ok): counts the checks passed, exits 1 on the first
    that fails."""

    def __init__(self):
        self.passed = 0

    def __call__(self, what, ok):
        if not ok:
            print("FAIL:", what)
            sys.exit(1)
        self.passed += 1

    def failure(self, what, details, fn, *args):
        """fn(*args) must raise Failure with exactly these details."""
        try:
            fn(*args)
        except Failure as f:
            self("%s: %s == %s" % (what, f.details, details),
                 f.details == details)
            return
        self("%s: no failure" % what, False)


class Failure(Exception):
    """A XenAPI failure: details is ErrorDescription."""

    def __init__(self, details):
        super().__init__(details)
        self.details = details


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost")
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


class UnixTransport(xmlrpc.client.Transport):
    """xapi_local()'s transport: HTTP over the local socket."""

    def __init__(self, path):
        super().__init__()
        self.unix_path = path

    def make_connection(self, host):
        # Reused across calls: keep-alive, as xmlrpc.client does on TCP.
        if self._connection and self._connection[0] == host:
            return self._connection[1]
        self._connection = host, UnixConnection(self.unix_path)
        return self._connection[1]


def unwrap(result):
    if result["Status"] == "Success":
        return result["Value"]
    raise Failure(result["ErrorDescription"])


class Session(xmlrpc.client.ServerProxy):
    """session.xenapi.<class>.<message>(args), as XenAPI.py has it, and
    call("class.message", args...) for names held in strings."""

    def __init__(self, uri, transport=None, context=None):
        kw = {"allow_none": True}
        if transport:
            kw["transport"] = transport
        if context:
            kw["context"] = context
        super().__init__(uri, **kw)
        self._session = None

    def _call(self, name, params):
        if name == "login_with_password":  # XenAPI.py's spelling
            name = "session." + name
        if name == "session.login_with_password":
            self._session = unwrap(getattr(self, name)(*params))
            return self._session
        if name == "session.logout":
            r = unwrap(getattr(self, name)(self._session))
            self._session = None
            return r
        return unwrap(getattr(self, name)(self._session, *params))

    def call(self, name, *args):
        return self._call(name, args)

    @property
    def xenapi(self):
        return Dispatcher(self, None)


class Dispatcher:
    def __init__(self, session, name):
        self._s, self._name = session, name

    def __getattr__(self, name):
        return Dispatcher(self._s, name if self._name is None
                          else self._name + "." + name)

    def __call__(self, *args):
        return self._s._call(self._name, args)
