// The standard PAC helper functions (Netscape's proxy auto-config, as browsers provide them),
// written for the tests in ECMAScript 3. They never resolve names: dnsResolve answers IPv4
// literals and the names in PAC_TEST_HOSTS (set by the runner), null for everything else, and
// myIpAddress answers PAC_TEST_MY_IP. The date and time functions are left out: nothing the
// tests run calls them.

var PAC_TEST_MY_IP = "127.0.0.1";
var PAC_TEST_HOSTS = {};

function pacTestIPv4(text) {
    var m = /^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$/.exec(text), i, v = 0, o;
    if (m === null) {
        return null;
    }
    for (i = 1; i <= 4; i++) {
        o = parseInt(m[i], 10);
        if (o > 255) {
            return null;
        }
        v = v * 256 + o;
    }
    return v;
}

function isPlainHostName(host) {
    return host.indexOf(".") < 0;
}

function dnsDomainIs(host, domain) {
    return host.length >= domain.length &&
        host.substring(host.length - domain.length) === domain;
}

function localHostOrDomainIs(host, hostdom) {
    return host === hostdom ||
        (host.indexOf(".") < 0 && hostdom.substring(0, host.length + 1) === host + ".");
}

function dnsResolve(host) {
    if (pacTestIPv4(host) !== null) {
        return host;
    }
    if (PAC_TEST_HOSTS.hasOwnProperty(host)) {
        return PAC_TEST_HOSTS[host];
    }
    return null;
}

function isResolvable(host) {
    return dnsResolve(host) !== null;
}

function myIpAddress() {
    return PAC_TEST_MY_IP;
}

function isInNet(host, pattern, mask) {
    var addr = pacTestIPv4(host), p = pacTestIPv4(pattern), m = pacTestIPv4(mask), resolved;
    if (addr === null) {
        resolved = dnsResolve(host);
        if (resolved === null) {
            return false;
        }
        addr = pacTestIPv4(resolved);
    }
    if (addr === null || p === null || m === null) {
        return false;
    }
    return (addr & m) === (p & m);
}

function dnsDomainLevels(host) {
    return host.split(".").length - 1;
}

function shExpMatch(str, shexp) {
    var out = "^", i, c;
    for (i = 0; i < shexp.length; i++) {
        c = shexp.charAt(i);
        if (c === "*") {
            out += "[\\s\\S]*";
        } else if (c === "?") {
            out += "[\\s\\S]";
        } else if ("\\^$.|+()[]{}/".indexOf(c) >= 0) {
            out += "\\" + c;
        } else {
            out += c;
        }
    }
    return new RegExp(out + "$").test(str);
}
