# The lobby features of the addon against a real Orion (test/godot.e2e-spec.ts), two clients in
# one process, run as a SceneTree script:
#   godot3-server --no-window --path clients/godot -s res://tests/lobby_features.gd -- --url ...
# The host hosts a public lobby with a password and data; the member is refused with a wrong
# password (request_failed), finds no lobby to quick-join (a password keeps a lobby out of quick
# join) and gets in with the right password; the host finds the lobby with a data
# filter, updates it (the member hears lobby_updated) and kicks the member (lobby_kicked, after
# which the member's client has forgotten the lobby); the member joins again and leaves; the host
# leaves last. Then the hand-over: the member hosts a lobby with hostMigration, the host joins
# it, the member leaves and the host hears host_changed naming it, and leaves too. Each step is
# reported; the process exits 0 only when every one came, in order.
# --tag makes the lobby's data unique to this run. The password is never printed.
extends SceneTree

const OrionClient = preload("res://addons/orion/orion_client.gd")
const TestArgs = preload("res://tests/test_args.gd")
const TestReport = preload("res://tests/test_report.gd")

const LOBBY_NAME := "Secret Night"
const NEW_NAME := "Secret Night Two"
const PASSWORD := "open sesame"
const WRONG_PASSWORD := "open barley"

var report = TestReport.new()
var host: OrionClient
var member: OrionClient
var tag := ""
var lobby_id := ""
var registered := 0
var rejoined := false
var handover := false
var handover_id := ""
var deadline_ms := 0
var done := false


func _initialize() -> void:
	var args := TestArgs.parse(OS.get_cmdline_args())
	tag = args.get("tag", "run")
	deadline_ms = OS.get_ticks_msec() + int(args.get("timeout-ms", "20000"))
	Engine.target_fps = 200
	report.expect([
		"hosted", "wrong_password_refused", "quick_join_refused", "joined", "peer_joined", "lobby_page",
		"updated:host", "updated:member", "lobby_kicked", "member_kicked", "kicked_peer_left",
		"rejoined", "lobby_left:member", "left_peer_left", "lobby_left:host",
	])
	report.expect([
		"handover:hosted", "handover:joined", "handover:peer_joined", "handover:lobby_left:member",
		"handover:peer_left", "handover:host_changed", "handover:lobby_left:host",
	])
	host = _client("host")
	member = _client("member")
	for client in [host, member]:
		var error: int = client.connect_to_server(args.get("url", ""), 0, "127.0.0.1")
		if error != OK:
			_finish("connect_to_server returned error %d" % error)
			return


func _client(role: String) -> OrionClient:
	var client := OrionClient.new()
	root.add_child(client)
	var signals := [
		"registered", "connection_failed", "connection_closed", "request_failed",
		"lobby_hosted", "lobby_joined", "lobby_page", "lobby_updated", "lobby_kicked",
		"member_kicked", "lobby_left", "peer_joined", "peer_left", "lobby_closed", "host_changed",
	]
	for name in signals:
		client.connect(name, self, "_on_" + name, [role])
	return client


func _idle(_delta: float) -> bool:
	if not done and OS.get_ticks_msec() > deadline_ms:
		_finish("timed out")
	return false


func _on_registered(_role: String) -> void:
	registered += 1
	if registered < 2:
		return
	var options := {
		"password": PASSWORD,
		"data": {"tag": tag, "mode": "ctf", "players": 4},
		"hostMigration": false,
	}
	_check(host.host_lobby("Host", LOBBY_NAME, true, 4, options), "host_lobby")


func _on_lobby_hosted(hosted_id: String, lobby_name: String, role: String) -> void:
	if handover and role == "member":
		handover_id = hosted_id
		report.event("handover_hosted", {"lobbyId": hosted_id, "lobbyName": lobby_name})
		report.met("handover:hosted")
		_check(host.join_lobby(hosted_id, "Host"), "join_lobby (hand-over)")
		return
	lobby_id = hosted_id
	report.event("hosted", {"lobbyId": hosted_id, "lobbyName": lobby_name, "isHost": host.is_host()})
	_step("hosted")
	_check(member.join_lobby(lobby_id, "Ann", WRONG_PASSWORD), "join_lobby (wrong password)")


func _on_request_failed(status: int, errors: Array, request: String, role: String) -> void:
	report.event("request_failed", {"role": role, "status": status, "errors": errors, "request": request})
	if role == "member" and _next() == "wrong_password_refused":
		_step("wrong_password_refused")
		# Quick join never picks a lobby with a password: none seats the member.
		_check(member.quick_join("Ann", {"data": {"tag": tag}, "notFull": true}), "quick_join")
		return
	if role == "member" and _next() == "quick_join_refused":
		_step("quick_join_refused")
		_check(member.join_lobby(lobby_id, "Ann", PASSWORD), "join_lobby")
		return
	_finish("unexpected request_failed %d %s" % [status, request])


func _on_lobby_joined(info: Dictionary, role: String) -> void:
	if handover and role == "host":
		report.event("handover_joined", {"info": info, "host": host.get_host_name(), "isHost": host.is_host()})
		_handover_met("handover:joined")
		return
	report.event("lobby_joined", {"info": info, "host": member.get_host_name(), "rejoin": rejoined})
	if rejoined:
		_step("rejoined")
		_check(member.leave_lobby(), "leave_lobby (member)")
	else:
		report.met("joined")
		_after_join()


func _on_peer_joined(name: String, role: String) -> void:
	report.event("peer_joined", {"role": role, "name": name})
	if handover and role == "member" and name == "Host":
		_handover_met("handover:peer_joined")
		return
	if role != "host" or name != "Ann":
		_finish("unexpected peer_joined %s for %s" % [name, role])
	elif not rejoined:
		report.met("peer_joined")
		_after_join()


# The member's answer and the host's peer_joined come in either order; then the host lists.
func _after_join() -> void:
	if _next() != "lobby_page":
		return
	var filters := {
		"data": {"tag": tag, "mode": "ctf"},
		"dataRange": {"players": {"min": 2, "max": 8}},
		"hasPassword": true,
		"notFull": true,
		"limit": 10,
	}
	_check(host.find_lobbies(filters), "find_lobbies")


func _on_lobby_page(lobbies: Array, next: String, _role: String) -> void:
	report.event("lobby_page", {"lobbies": lobbies, "next": next})
	_step("lobby_page")
	_check(host.update_lobby({"lobbyName": NEW_NAME, "data": {"tag": tag, "mode": "koth"}}), "update_lobby")


func _on_lobby_updated(settings: Dictionary, role: String) -> void:
	report.event("lobby_updated", {"role": role, "settings": settings})
	report.met("updated:" + role)
	if report.missing()[0] == "lobby_kicked":
		_check(host.kick("ann"), "kick")


func _on_lobby_kicked(kicked_id: String, lobby_name: String, role: String) -> void:
	report.event("lobby_kicked", {
		"role": role, "lobbyId": kicked_id, "lobbyName": lobby_name,
		"lobbyIdAfter": member.get_lobby_id(), "hostAfter": member.get_host_name(),
	})
	_met_any("lobby_kicked")


func _on_member_kicked(peer_name: String, role: String) -> void:
	report.event("member_kicked", {"role": role, "peerName": peer_name})
	_met_any("member_kicked")


func _on_peer_left(name: String, role: String) -> void:
	report.event("peer_left", {"role": role, "name": name})
	if handover and role == "host" and name == "Ann":
		_handover_met("handover:peer_left")
		return
	if role != "host" or name != "Ann":
		_finish("unexpected peer_left %s for %s" % [name, role])
	elif not rejoined:
		_met_any("kicked_peer_left")
	else:
		_met_any("left_peer_left")


func _on_lobby_left(left_id: String, role: String) -> void:
	var client: OrionClient = host if role == "host" else member
	report.event("lobby_left", {"role": role, "lobbyId": left_id, "lobbyIdAfter": client.get_lobby_id()})
	if handover:
		_handover_met("handover:lobby_left:" + role)
	else:
		_met_any("lobby_left:" + role)


# The kick's three outcomes come in any order; once all are in, the member joins again.
func _met_any(key: String) -> void:
	report.met(key)
	var missing: Array = report.missing()
	if not rejoined and not missing.has("lobby_kicked") and not missing.has("member_kicked") \
			and not missing.has("kicked_peer_left"):
		rejoined = true
		_check(member.join_lobby(lobby_id, "Ann", PASSWORD), "join_lobby (again)")
	elif rejoined and not missing.has("lobby_left:member") and not missing.has("left_peer_left") \
			and missing.has("lobby_left:host") and host.get_lobby_id() == lobby_id:
		_check(host.leave_lobby(), "leave_lobby (host)")
	elif not missing.has("lobby_left:host") and not handover:
		handover = true
		_check(member.host_lobby("Ann", "Hand Over", false, 4, {"hostMigration": true}), "host_lobby (hand-over)")


# The hand-over: the member (its host) leaves once the host is in, the host hears the old host
# go and then that it hosts, and leaves once it was made host. Answers and messages that may
# cross are taken in any order; the rest must come in order.
func _handover_met(key: String) -> void:
	var missing: Array = report.missing()
	var any_order := ["handover:joined", "handover:peer_joined", "handover:lobby_left:member"]
	if not missing.has(key) or (not any_order.has(key) and missing[0] != key and \
			not (any_order.has(missing[0]) and missing[1] == key)):
		_finish("%s came while %s was expected" % [key, missing[0] if not missing.empty() else "nothing"])
		return
	report.met(key)
	missing = report.missing()
	var both_in := not missing.has("handover:joined") and not missing.has("handover:peer_joined")
	if (key == "handover:joined" or key == "handover:peer_joined") and both_in:
		_check(member.leave_lobby(), "leave_lobby (hand-over host)")
	elif key == "handover:host_changed":
		_check(host.leave_lobby(), "leave_lobby (new host)")
	if report.all_met():
		_finish("")


func _on_lobby_closed(closed_id: String, _lobby_name: String, role: String) -> void:
	_finish("unexpected lobby_closed %s for %s" % [closed_id, role])


func _on_host_changed(changed_id: String, host_name: String, role: String) -> void:
	report.event("host_changed", {
		"role": role, "lobbyId": changed_id, "hostName": host_name,
		"hostNameAfter": host.get_host_name(), "isHost": host.is_host(),
	})
	if handover and role == "host":
		_handover_met("handover:host_changed")
	else:
		_finish("unexpected host_changed %s for %s" % [host_name, role])


func _on_connection_failed(url: String, role: String) -> void:
	_finish("connection_failed %s for %s" % [url, role])


func _on_connection_closed(code: int, role: String) -> void:
	if not done:
		_finish("connection_closed %d for %s" % [code, role])


# The next expected step, or "" when all came.
func _next() -> String:
	var missing: Array = report.missing()
	return "" if missing.empty() else missing[0]


# Steps that must come in order.
func _step(key: String) -> void:
	if _next() != key:
		_finish("%s came while %s was expected" % [key, _next()])
		return
	report.met(key)


func _check(error: int, what: String) -> void:
	if error != OK:
		_finish("%s returned error %d" % [what, error])


func _finish(failure: String) -> void:
	if done:
		return
	done = true
	report.outcome(failure)
	host.close()
	member.close()
	quit(0 if failure.empty() else 1)
