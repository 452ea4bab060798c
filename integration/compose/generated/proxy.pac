// CARP proxy auto-config for the array "squidcarp-harness"
// Written by squidcarp (squidcarp.generate.pac): change the array description and generate
// again rather than editing this file.
//
// FindProxyForURL(url, host) ranks the array's members for the request the browser is about
// to send exactly as Squid 5.7's CARP ranks them (src/carp.cc carpSelectParent), and returns
// every member in that order ("PROXY a:p; PROXY b:p; ..."): the owner first, then where Squid
// would go when the earlier ones are down. CARP exceptions return "DIRECT".
//
// The CARP key is the URI Squid computes from what the browser sends (src/anyp/Uri.cc,
// src/HttpRequest.cc effectiveRequestUri): for http:// (and every URL the browser sends to
// the proxy as it is) the URL normalised as Squid does, as UTF-8 bytes; for https://, wss://
// and ws://, which browsers tunnel, the CONNECT target host:port (port 443, 80 for ws://, when
// the URL names none). A URL Squid would refuse with 400 gets the members in configuration
// order (the proxy refuses it whichever member it is).
//
// Written for old PAC engines: ECMAScript 3 only, and no function but the standard PAC ones.
// Strings below are byte strings: one character per byte (0-255).
//
// Members in configuration order (name=, weight=, carp-key=):
//   "alpha" weight=1 -> 10.213.0.21:3128
//   "beta" weight=2 -> 10.213.0.22:3128
//   "gamma" weight=3 -> 10.213.0.23:3128

// src/carp.cc: key and name bytes are added as a C char; where char is signed (x86) a byte
// >= 0x80 counts as byte - 256. This array was generated for a signed char.
var SC_SIGNED_CHAR = true;

// The members in Squid's evaluation order (src/carp.cc carpInit: sorted by weight, ties in
// configuration order): the hash of the member's name= (src/carp.cc carpInit), its load
// multiplier (the exact IEEE double Squid computes), which key of SC_KEYS it hashes, and the
// proxy browsers use for it.
var SC_MEMBERS = [
    // "alpha" weight 1, load factor 0.16666666666666666
    {hash: 0xf2c69b1e, mult: 0.7937005259840998, key: 0, proxy: "PROXY 10.213.0.21:3128"},
    // "beta" weight 2, load factor 0.3333333333333333
    {hash: 0x1514511f, mult: 1.0246629730041619, key: 0, proxy: "PROXY 10.213.0.22:3128"},
    // "gamma" weight 3, load factor 0.5
    {hash: 0x6c9470bd, mult: 1.2295955676049943, key: 0, proxy: "PROXY 10.213.0.23:3128"}
];

// carp-key= parts each member hashes (src/carp.cc): 0 = the effective request URI, else the
// sum of 1 scheme + "://", 2 host, 4 ":" port, 8 path before "?", 16 "?" and what follows.
var SC_KEYS = [0];

// What a request goes to when Squid would refuse it: the members in configuration order.
var SC_CONFIG_ORDER = "PROXY 10.213.0.21:3128; PROXY 10.213.0.22:3128; PROXY 10.213.0.23:3128";

// CARP exceptions (they go DIRECT): dstdomain values (src/acl/DomainData.cc; a leading dot
// means the domain and every name below it), url_regex patterns matched against the effective
// URI with %XX decoded (src/acl/Url.cc), IPv4 client networks as isInNet() pattern and mask.
var SC_DOMAINS = [];
var SC_URL_REGEX = [
];
var SC_CLIENTS = [
];

// Schemes Squid knows and their default ports (src/anyp/ProtocolType.h, src/anyp/UriScheme.cc).
var SC_SCHEMES = {"authority_form": 0, "cache_object": 3128, "coap": 5683, "coaps": 5683, "ftp": 21, "gopher": 70, "htcp": 0, "http": 80, "https": 443, "icp": 0, "icy": 0, "ssl": 0, "tls": 0, "urn": 0, "wais": 210, "whois": 43};
// Schemes browsers tunnel through an HTTP proxy with CONNECT, and the port they assume.
var SC_TUNNELLED = {"https": 443, "ws": 80, "wss": 443};
var SC_MAX_URL = 8192; // src/defines.h MAX_URL: a target longer than MAX_URL - 1 bytes gets 400
var SC_HOST_MAX = 255; // src/defines.h SQUIDHOSTNAMELEN - 1: the host bytes Squid keeps
var SC_CONNECT_PORT = 443; // src/anyp/Uri.cc: a CONNECT without a port means 443
// Userinfo characters kept as they are, the rest %-encoded (src/anyp/Uri.cc UserInfoChars).
var SC_USERINFO_KEEP = "!$&'()*+,-.0123456789:;=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~";
var SC_HASH_MULTIPLIER = 0x62531965; // src/carp.cc: hash += hash * 0x62531965
var SC_WHITE = " \t\n\x0b\f\r"; // xisspace() in the C locale

function FindProxyForURL(url, host) {
    var r;
    if (scClientException()) {
        return "DIRECT";
    }
    r = scRequest(url);
    if (r === null) {
        return SC_CONFIG_ORDER;
    }
    if (scDomainException(r.host) || scUrlException(r.effective)) {
        return "DIRECT";
    }
    return scRanking(r);
}

// --- the ranking (src/carp.cc carpSelectParent) -----------------------------------------------

function scRanking(r) {
    var keys = [], best = [], rest = [], out = [], u = 0, i, j, m, s;
    for (i = 0; i < SC_KEYS.length; i++) {
        keys[i] = scKey(r, SC_KEYS[i]);
    }
    for (i = 0; i < SC_MEMBERS.length; i++) {
        m = SC_MEMBERS[i];
        // One running hash, never reset: member k's hash has absorbed the keys of members 1..k.
        u = scAccumulate(keys[m.key], u);
        s = scCombine(u, m.hash) * m.mult;
        if (s > 0) {
            // Highest score first; an equal score stays behind the earlier member (Squid's
            // strict ">" keeps the first one it saw).
            j = best.length;
            while (j > 0 && best[j - 1].score < s) {
                best[j] = best[j - 1];
                j--;
            }
            best[j] = {score: s, proxy: m.proxy};
        } else {
            // A score of 0 or NaN never wins: such members come last, in evaluation order.
            rest[rest.length] = m.proxy;
        }
    }
    for (i = 0; i < best.length; i++) {
        out[out.length] = best[i].proxy;
    }
    for (i = 0; i < rest.length; i++) {
        out[out.length] = rest[i];
    }
    return out.join("; ");
}

function scKey(r, parts) {
    var out = "", q;
    if (parts === 0) {
        return r.effective;
    }
    q = r.path.indexOf("?");
    if ((parts & 1) !== 0 && r.scheme !== "") {
        out += r.scheme + "://";
    }
    if ((parts & 2) !== 0) {
        out += r.host;
    }
    if ((parts & 4) !== 0) {
        out += ":" + r.port;
    }
    if ((parts & 8) !== 0) {
        out += q < 0 ? r.path : r.path.substring(0, q);
    }
    if ((parts & 16) !== 0 && q >= 0) {
        out += r.path.substring(q);
    }
    return out === "" ? r.effective : out;
}

// u += ROTATE_LEFT(u, 19) + (char) b for every byte, modulo 2^32 (src/carp.cc). u is kept as
// a signed 32-bit value (the same bits), which engines compute faster than an unsigned one.
function scAccumulate(key, u) {
    var i, b, n = key.length;
    for (i = 0; i < n; i++) {
        b = key.charCodeAt(i);
        if (b > 127 && SC_SIGNED_CHAR) {
            b -= 256;
        }
        u = (u + ((u << 19) | (u >>> 13)) + b) | 0;
    }
    return u;
}

// c = u ^ member hash; c += c * 0x62531965; c = ROTATE_LEFT(c, 21) (src/carp.cc).
function scCombine(u, h) {
    var c = (u ^ h) >>> 0;
    c = (c + scMul32(c, SC_HASH_MULTIPLIER)) >>> 0;
    return ((c << 21) | (c >>> 11)) >>> 0;
}

// a * b modulo 2^32 for 0 <= a, b < 2^32, in 16-bit halves so that every product is exact.
function scMul32(a, b) {
    var lo = a & 0xffff, hi = a >>> 16;
    return (((hi * b) % 65536) * 65536 + lo * b) % 4294967296;
}

// --- exceptions -------------------------------------------------------------------------------

function scClientException() {
    var i, me;
    if (SC_CLIENTS.length === 0) {
        return false;
    }
    me = myIpAddress();
    for (i = 0; i < SC_CLIENTS.length; i++) {
        if (isInNet(me, SC_CLIENTS[i][0], SC_CLIENTS[i][1])) {
            return true;
        }
    }
    return false;
}

function scDomainException(host) {
    var i, d;
    for (i = 0; i < SC_DOMAINS.length; i++) {
        d = SC_DOMAINS[i];
        if (host === d) {
            return true;
        }
        if (d.charAt(0) === "." && (host === d.substring(1) ||
                (host.length > d.length && host.substring(host.length - d.length) === d))) {
            return true;
        }
    }
    return false;
}

function scUrlException(effective) {
    var i, text;
    if (SC_URL_REGEX.length === 0) {
        return false;
    }
    text = scUnescape(effective);
    for (i = 0; i < SC_URL_REGEX.length; i++) {
        if (SC_URL_REGEX[i].test(text)) {
            return true;
        }
    }
    return false;
}

// --- the request Squid sees -------------------------------------------------------------------

// The URL as UTF-8 bytes (a lone surrogate becomes U+FFFD), then the request the browser sends
// for it: CONNECT host:port for tunnelled schemes, the absolute URL for the rest.
function scRequest(url) {
    var b = scUtf8(url), m = /^([A-Za-z0-9+._-]{1,16}):\/\//.exec(b), scheme;
    if (m !== null) {
        scheme = scLower(m[1]);
        if (SC_TUNNELLED.hasOwnProperty(scheme)) {
            return scConnect(scTunnelTarget(b.substring(m[0].length), SC_TUNNELLED[scheme]));
        }
    }
    return scAbsolute(b);
}

// The CONNECT target for what follows "scheme://": the authority without userinfo, with the
// scheme's port added when it names none (no ":" after the host, or nothing after the ":").
function scTunnelTarget(rest, port) {
    var end = rest.search(/[\/?#\x00 \t\n\x0b\f\r]/), a, at, close;
    a = end < 0 ? rest : rest.substring(0, end);
    at = a.lastIndexOf("@");
    if (at >= 0) {
        a = a.substring(at + 1);
    }
    if (a.charAt(a.length - 1) === ":") {
        a = a.substring(0, a.length - 1);
    }
    close = a.charAt(0) === "[" ? a.indexOf("]") : -1;
    if (a.indexOf(":", close + 1) < 0) {
        a += ":" + port;
    }
    return a;
}

// A parsed request: what carp-key= picks from, and the effective request URI.
function scUri(scheme, host, port, path, userinfo, defaultPort, authorityForm, urn) {
    var e;
    if (authorityForm) {
        e = host + ":" + port;
    } else if (urn) {
        e = scheme + ":" + host + ":" + path;
    } else {
        e = scheme + "://";
        if (userinfo !== "" && (scheme === "ftp" || !SC_SCHEMES.hasOwnProperty(scheme))) {
            e += scEncodeUserinfo(userinfo) + "@";
        }
        e += host;
        if (port !== defaultPort) {
            e += ":" + port;
        }
        e += path;
    }
    return {scheme: scheme, host: host, port: port, path: path, effective: e};
}

// AnyP::Uri::parse of an absolute URI (src/anyp/Uri.cc); null where Squid answers 400.
function scAbsolute(b) {
    var m, spelled, lowered, known, image, defaultPort, rest, i, end, authority, tail, path,
        userinfo = "", at, host, portText = null, close, colon, port;
    if (b.length > SC_MAX_URL - 1) {
        return null;
    }
    m = /^([A-Za-z0-9+._-]{1,16}):/.exec(b);
    if (m === null || !/^[A-Za-z]/.test(b)) {
        return null;
    }
    spelled = m[1];
    lowered = scLower(spelled);
    known = SC_SCHEMES.hasOwnProperty(lowered);
    image = known ? lowered : spelled;
    defaultPort = known ? SC_SCHEMES[lowered] : 0;
    rest = b.substring(m[0].length);
    if (known && lowered === "urn") {
        return scUrn(rest);
    }
    if (rest.substring(0, 2) !== "//") {
        return null;
    }
    rest = rest.substring(2);
    i = rest.indexOf("\x00");
    if (i >= 0) {
        rest = rest.substring(0, i);
    }
    end = rest.search(/[\/?#\x00 \t\n\x0b\f\r]/);
    if (end < 0) {
        end = rest.length;
    }
    authority = rest.substring(0, end);
    tail = rest.substring(end);
    i = tail.search(/[\r\n\x00]/);
    if (i >= 0) {
        tail = tail.substring(0, i);
    }
    path = tail.charAt(0) === "/" ? tail : "/" + tail;
    at = authority.lastIndexOf("@");
    if (at >= 0) {
        userinfo = scUnescape(authority.substring(0, at));
        authority = authority.substring(at + 1);
    }
    if (authority.charAt(0) === "[") {
        close = authority.indexOf("]", 1);
        if (close < 0) {
            host = authority.substring(1);
        } else {
            host = authority.substring(1, close);
            colon = authority.indexOf(":", close + 1);
            if (colon >= 0) {
                portText = authority.substring(colon + 1);
            }
        }
        if (host === "") {
            return null;
        }
    } else {
        if (authority === "") {
            return null;
        }
        host = authority;
        colon = authority.lastIndexOf(":");
        if (colon >= 0 && authority.indexOf(":") === colon) {
            host = authority.substring(0, colon);
            portText = authority.substring(colon + 1);
        }
    }
    port = portText === null ? defaultPort : scStrToInt(portText, 0);
    host = scCheckHost(scLower(host));
    if (host === null || port < 1 || port > 65535) {
        return null;
    }
    path = path.replace(/[ \t\n\x0b\f\r]+/g, "");
    return scUri(image, scCanonicalHost(host), port, path, userinfo, defaultPort,
                 known && lowered === "authority_form", false);
}

// urn:NID:NSS (src/anyp/Uri.cc parseUrn): the NID is the host.
function scUrn(rest) {
    var m = /^[A-Za-z0-9-]{1,32}/.exec(rest), nid;
    if (m === null || rest.charAt(m[0].length) !== ":") {
        return null;
    }
    nid = m[0];
    if (nid.length < 2 || !/^[A-Za-z0-9]/.test(nid) || !/[A-Za-z0-9]$/.test(nid)) {
        return null;
    }
    return scUri("urn", scCanonicalHost(nid), 0, rest.substring(nid.length + 1), "", 0, false,
                 true);
}

// A CONNECT target (src/anyp/Uri.cc): "[%[^]]]:%d", else "%[^:]:%d", the port preset to 443.
function scConnect(t) {
    var host = null, port = SC_CONNECT_PORT, close, colon, i;
    if (t.length > SC_MAX_URL - 1) {
        return null;
    }
    i = t.indexOf("\x00");
    if (i >= 0) {
        t = t.substring(0, i);
    }
    if (t.charAt(0) === "[" && t.length > 1 && t.charAt(1) !== "]") {
        close = t.indexOf("]", 1);
        host = close < 0 ? t.substring(1) : t.substring(1, close);
        if (close >= 0 && t.charAt(close + 1) === ":") {
            port = scStrToInt(t.substring(close + 2), port);
        }
    }
    if (host === null) {
        colon = t.indexOf(":");
        host = colon < 0 ? t : t.substring(0, colon);
        if (host === "") {
            return null;
        }
        if (colon >= 0) {
            port = scStrToInt(t.substring(colon + 1), port);
        }
    }
    host = scCheckHost(scLower(host).replace(/[ \t\n\x0b\f\r]+/g, ""));
    if (host === null || port < 1 || port > 65535) {
        return null;
    }
    return scUri("", scCanonicalHost(host), port, "", "", 0, true, false);
}

// Trailing dots are cut; ".." or a leading dot is refused (src/anyp/Uri.cc).
function scCheckHost(h) {
    h = h.replace(/\.+$/, "");
    if (h.indexOf("..") >= 0 || h.charAt(0) === ".") {
        return null;
    }
    return h;
}

// --- bytes and text ---------------------------------------------------------------------------

function scUtf8(s) {
    var out = [], i, c, d, n = s.length;
    if (!/[^\x00-\x7f]/.test(s)) {
        return s;
    }
    for (i = 0; i < n; i++) {
        c = s.charCodeAt(i);
        if (c < 0x80) {
            out[out.length] = s.charAt(i);
            continue;
        }
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
            d = s.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) {
                c = 0x10000 + (c - 0xd800) * 1024 + (d - 0xdc00);
                i++;
            } else {
                c = 0xfffd;
            }
        } else if (c >= 0xd800 && c <= 0xdfff) {
            c = 0xfffd;
        }
        if (c < 0x800) {
            out[out.length] = String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
        } else if (c < 0x10000) {
            out[out.length] = String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f),
                                                  0x80 | (c & 0x3f));
        } else {
            out[out.length] = String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f),
                                                  0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
        }
    }
    return out.join("");
}

// ASCII letters only, as Squid lower-cases (a byte >= 0x80 is left as it is).
function scLower(s) {
    return s.replace(/[A-Z]+/g, function (w) {
        return w.toLowerCase();
    });
}

function scHex(c) {
    if (c >= 48 && c <= 57) {
        return c - 48;
    }
    if (c >= 97 && c <= 102) {
        return c - 87;
    }
    if (c >= 65 && c <= 70) {
        return c - 55;
    }
    return -1;
}

// lib/rfc1738.c rfc1738_unescape: %XX (not %00) and %% decoded, everything else kept.
function scUnescape(s) {
    var out = [], j = 0, n = s.length, c, v1, v2;
    if (s.indexOf("%") < 0) {
        return s;
    }
    while (j < n) {
        c = s.charAt(j);
        if (c === "%" && j + 1 < n && s.charAt(j + 1) === "%") {
            out[out.length] = "%";
            j += 2;
            continue;
        }
        if (c === "%" && j + 2 < n) {
            v1 = scHex(s.charCodeAt(j + 1));
            v2 = scHex(s.charCodeAt(j + 2));
            if (v1 >= 0 && v2 >= 0 && v1 * 16 + v2 > 0) {
                out[out.length] = String.fromCharCode(v1 * 16 + v2);
                j += 3;
                continue;
            }
        }
        out[out.length] = c;
        j++;
    }
    return out.join("");
}

// AnyP::Uri::Encode: "%%%02X" of the character as a signed char, so 0xE9 becomes %FFFFFFE9.
function scEncodeUserinfo(s) {
    var out = "", i, c, h;
    for (i = 0; i < s.length; i++) {
        c = s.charCodeAt(i);
        if (SC_USERINFO_KEEP.indexOf(s.charAt(i)) >= 0) {
            out += s.charAt(i);
        } else {
            h = (c < 128 ? c : c + 0xffffff00).toString(16).toUpperCase();
            out += (h.length < 2 ? "%0" : "%") + h;
        }
    }
    return out;
}

// glibc strtol (base 10, LP64: clamped to a 64-bit long) cast to a C int; `none` when no digit.
function scStrToInt(t, none) {
    var i = 0, n = t.length, negative = false, start, v = 0, c, digits;
    while (i < n && SC_WHITE.indexOf(t.charAt(i)) >= 0) {
        i++;
    }
    if (i < n && (t.charAt(i) === "+" || t.charAt(i) === "-")) {
        negative = t.charAt(i) === "-";
        i++;
    }
    start = i;
    while (i < n) {
        c = t.charCodeAt(i);
        if (c < 48 || c > 57) {
            break;
        }
        v = (v * 10 + (c - 48)) % 4294967296;
        i++;
    }
    if (i === start) {
        return none;
    }
    digits = t.substring(start, i).replace(/^0+/, "");
    if (digits.length > 19 || (digits.length === 19 &&
            digits > (negative ? "9223372036854775808" : "9223372036854775807"))) {
        // LONG_MIN keeps no low bits, LONG_MAX all 32 of them.
        v = negative ? 0 : 4294967295;
        negative = false;
    }
    if (negative) {
        v = (4294967296 - v) % 4294967296;
    }
    return v >= 2147483648 ? v - 4294967296 : v;
}

// --- IP literals (src/ip/Address.cc over glibc getaddrinfo and inet_ntop) ----------------------

// AnyP::Uri::host(): an IP literal written as inet_ntop writes it, other hosts cut to 255 bytes.
function scCanonicalHost(h) {
    var inner = h, a;
    if (h.charAt(0) === "[") {
        if (h.length === 1) {
            return h.substring(0, SC_HOST_MAX);
        }
        inner = h.substring(1, h.length - 1); // Squid drops the last byte, taking it for "]"
    }
    a = scNumericHost(inner);
    // Not an address, or the any-address (:: or 0.0.0.0): kept as it was typed.
    if (a === null || scZero(a, 0, 16) || (scV4Mapped(a) && scZero(a, 12, 16))) {
        return h.substring(0, SC_HOST_MAX);
    }
    if (scV4Mapped(a)) {
        return a[12] + "." + a[13] + "." + a[14] + "." + a[15];
    }
    return "[" + scNtop6(a) + "]";
}

function scZero(a, from, to) {
    var i;
    for (i = from; i < to; i++) {
        if (a[i] !== 0) {
            return false;
        }
    }
    return true;
}

function scV4Mapped(a) {
    return scZero(a, 0, 10) && a[10] === 255 && a[11] === 255;
}

// getaddrinfo(AI_NUMERICHOST): 16 bytes (IPv4 as IPv4-mapped IPv6), or null.
function scNumericHost(t) {
    var v4 = scInetAton(t), scope, zone;
    if (v4 !== null) {
        return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255].concat(v4);
    }
    scope = t.indexOf("%");
    if (scope >= 0) {
        zone = t.substring(scope + 1);
        if (!/^[0-9]+$/.test(zone) || parseInt(zone, 10) > 4294967295) {
            return null;
        }
        t = t.substring(0, scope);
    }
    return scPton6(t);
}

// glibc __inet_aton_exact: 1 to 4 parts, each strtoul(base 0) starting with a digit, the last
// one filling the bytes left.
function scInetAton(t) {
    var parts = [], i = 0, n = t.length, r, val, k, c,
        limits = [4294967295, 16777215, 65535, 255], scale = [16777216, 65536, 256];
    for (;;) {
        c = i < n ? t.charCodeAt(i) : -1;
        if (c < 48 || c > 57) {
            return null;
        }
        r = scStrtoul0(t, i);
        val = r[0];
        i = r[1];
        if (i < n && t.charAt(i) === ".") {
            if (parts.length > 2 || val > 255) {
                return null;
            }
            parts[parts.length] = val;
            i++;
            continue;
        }
        break;
    }
    if (i !== n || val > limits[parts.length]) {
        return null;
    }
    for (k = 0; k < parts.length; k++) {
        val += parts[k] * scale[k];
    }
    return [Math.floor(val / 16777216) % 256, Math.floor(val / 65536) % 256,
            Math.floor(val / 256) % 256, val % 256];
}

// strtoul(t + i, &end, 0) for text starting with a digit: [value, end]. Values above 2^32 are
// kept at 2^33 (every caller refuses them).
function scStrtoul0(t, i) {
    var n = t.length, j, v = 0, d, base = 10;
    if (t.charAt(i) === "0" && i + 2 < n && (t.charAt(i + 1) === "x" || t.charAt(i + 1) === "X") &&
            scHex(t.charCodeAt(i + 2)) >= 0) {
        base = 16;
        j = i + 2;
    } else if (t.charAt(i) === "0") {
        base = 8;
        j = i + 1;
    } else {
        j = i;
    }
    while (j < n) {
        d = scHex(t.charCodeAt(j));
        if (d < 0 || d >= base) {
            break;
        }
        v = Math.min(v * base + d, 8589934592);
        j++;
    }
    return [v, j];
}

// glibc inet_pton4: exactly four decimal octets, no leading zeros.
function scPton4(t) {
    var octets = t.split("."), out = [], i, o;
    if (octets.length !== 4) {
        return null;
    }
    for (i = 0; i < 4; i++) {
        o = octets[i];
        if (!/^[0-9]+$/.test(o) || (o.length > 1 && o.charAt(0) === "0") || o.length > 3 ||
                parseInt(o, 10) > 255) {
            return null;
        }
        out[i] = parseInt(o, 10);
    }
    return out;
}

// glibc inet_pton6: eight groups of up to 4 hex digits, one "::", an optional dotted IPv4 tail.
function scPton6(t) {
    var words = [], gap = -1, digits = 0, val = 0, i = 0, n, c, h, tailV4 = false, curStart = 0,
        v4, zeros = [], k, out = [];
    if (t === "") {
        return null;
    }
    if (t.charAt(0) === ":") {
        if (t.substring(0, 2) !== "::") {
            return null;
        }
        t = t.substring(1);
    }
    n = t.length;
    while (i < n) {
        c = t.charCodeAt(i);
        i++;
        h = scHex(c);
        if (h >= 0) {
            if (digits === 4) {
                return null;
            }
            val = val * 16 + h;
            digits++;
            continue;
        }
        if (c === 58) {
            curStart = i;
            if (digits === 0) {
                if (gap >= 0) {
                    return null;
                }
                gap = words.length;
                continue;
            }
            if (i === n || words.length >= 8) {
                return null;
            }
            words[words.length] = val;
            digits = 0;
            val = 0;
            continue;
        }
        if (c === 46 && words.length <= 6) {
            v4 = scPton4(t.substring(curStart));
            if (v4 === null) {
                return null;
            }
            words[words.length] = v4[0] * 256 + v4[1];
            words[words.length] = v4[2] * 256 + v4[3];
            tailV4 = true;
            digits = 0;
            break;
        }
        return null;
    }
    if (digits > 0 && !tailV4) {
        if (words.length >= 8) {
            return null;
        }
        words[words.length] = val;
    }
    if (gap >= 0) {
        if (words.length === 8) {
            return null;
        }
        for (k = words.length; k < 8; k++) {
            zeros[zeros.length] = 0;
        }
        words = words.slice(0, gap).concat(zeros, words.slice(gap));
    }
    if (words.length !== 8) {
        return null;
    }
    for (k = 0; k < 8; k++) {
        out[out.length] = Math.floor(words[k] / 256);
        out[out.length] = words[k] % 256;
    }
    return out;
}

// glibc inet_ntop6: lower-case hex, the first longest run (two or more) of zero groups as "::".
function scNtop6(a) {
    var words = [], k, bestBase = -1, bestLen = 0, curBase = -1, curLen = 0, out = "";
    for (k = 0; k < 8; k++) {
        words[k] = a[2 * k] * 256 + a[2 * k + 1];
    }
    for (k = 0; k < 8; k++) {
        if (words[k] === 0) {
            if (curBase < 0) {
                curBase = k;
                curLen = 1;
            } else {
                curLen++;
            }
        } else if (curBase >= 0) {
            if (bestBase < 0 || curLen > bestLen) {
                bestBase = curBase;
                bestLen = curLen;
            }
            curBase = -1;
        }
    }
    if (curBase >= 0 && (bestBase < 0 || curLen > bestLen)) {
        bestBase = curBase;
        bestLen = curLen;
    }
    if (bestBase >= 0 && bestLen < 2) {
        bestBase = -1;
    }
    for (k = 0; k < 8; k++) {
        if (bestBase >= 0 && k >= bestBase && k < bestBase + bestLen) {
            if (k === bestBase) {
                out += ":";
            }
            continue;
        }
        if (k !== 0) {
            out += ":";
        }
        if (k === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
            out += a[12] + "." + a[13] + "." + a[14] + "." + a[15];
            break;
        }
        out += words[k].toString(16);
    }
    if (bestBase >= 0 && bestBase + bestLen === 8) {
        out += ":";
    }
    return out;
}
