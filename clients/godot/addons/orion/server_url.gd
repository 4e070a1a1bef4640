# Orion serves HTTP and WebSocket on one port, so one `http://host:port` address gives all
# three endpoints the client needs: the HTTP base, the WebSocket URL and the UDP host.
extends Reference


# {"base": "http://h:p", "ws": "ws://h:p/", "udp_host": "h"}, or {} when `url` is not http(s).
static func parse(url: String) -> Dictionary:
	var scheme := ""
	if url.begins_with("http://"):
		scheme = "http"
	elif url.begins_with("https://"):
		scheme = "https"
	else:
		return {}
	var rest := url.substr(scheme.length() + 3, url.length())
	var slash := rest.find("/")
	var authority := rest if slash < 0 else rest.substr(0, slash)
	var host := _host_of(authority)
	if host.empty():
		return {}
	var ws_scheme := "wss" if scheme == "https" else "ws"
	return {
		"base": scheme + "://" + authority,
		"ws": ws_scheme + "://" + authority + "/",
		"udp_host": host,
	}


# The host without the port; an IPv6 address loses its brackets.
static func _host_of(authority: String) -> String:
	if authority.begins_with("["):
		var close := authority.find("]")
		return "" if close < 0 else authority.substr(1, close - 1)
	var colon := authority.find(":")
	return authority if colon < 0 else authority.substr(0, colon)
