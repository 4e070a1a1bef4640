# Opt-in reconnection against a real Orion started with --reconnectGraceMs (test/godot.e2e-spec.ts):
# a host and a member in one process, both with `reconnect` on, run as a SceneTree script:
#   godot3-server --no-window --path clients/godot -s res://tests/reconnection.gd -- --url ...
# The member's connection is dropped three times (drop_connection()). First in the lobby: the
# member hears connection_lost and then reconnected, the host peer_away and then peer_back; a
# chat line the host sends while the member is away reaches the member after it is back, and one
# the member sends while away waits for the new socket and then reaches both. Then twice during
# the mediation: right after it starts (the peer list Orion sends meanwhile is missed, and must
# come again after the resume), and as the peer list arrives (punching goes on while away, the
# success report waits for the new socket, and the peer list Orion sends again changes nothing).
# The mediation still succeeds for both, and both leave with close() (connection_closed 1000).
# Each event is reported; the process exits 0 only when all came, and fails at once on a
# departure, an abort or a final close before the end.
extends SceneTree

const OrionClient = preload("res://addons/orion/orion_client.gd")
const TestArgs = preload("res://tests/test_args.gd")
const TestReport = preload("res://tests/test_report.gd")

const AWAY_LINE := "sent while Ann was away"
const QUEUED_LINE := "sent by Ann while away"
# Long enough that the host's line is surely sent while the member is away.
const MEMBER_FIRST_DELAY_MS := 1000

var report = TestReport.new()
var host: OrionClient
var member: OrionClient
var lobby_id := ""
var registered := 0
var drops := 0  # drop_connection() calls so far
# The host's own count: its peer_back for one drop may arrive after the member dropped again.
var host_aways := 0
var host_backs := 0
var drop_due := false
var mediation_asked := false
var closing := false
var deadline_ms := 0
var done := false


func _initialize() -> void:
	var args := TestArgs.parse(OS.get_cmdline_args())
	deadline_ms = OS.get_ticks_msec() + int(args.get("timeout-ms", "20000"))
	Engine.target_fps = 200
	report.expect([
		"host:hosted", "member:joined", "host:peer_joined",
		"member:connection_lost:1", "host:peer_away:1", "member:reconnected:1", "host:peer_back:1",
		"member:missed_chat", "member:own_chat", "host:queued_chat",
		"member:mediation_started", "member:connection_lost:2", "host:peer_away:2",
		"member:reconnected:2", "host:peer_back:2", "member:peers_received",
		"member:connection_lost:3", "host:peer_away:3", "member:reconnected:3", "host:peer_back:3",
		"host:punched", "member:punched", "host:mediation_succeeded", "member:mediation_succeeded",
		"host:lobby_closed", "member:lobby_closed", "host:connection_closed", "member:connection_closed",
	])
	host = _client("host", args)
	member = _client("member", args)
	member.reconnect_initial_delay_ms = MEMBER_FIRST_DELAY_MS
	for client in [host, member]:
		var error: int = client.connect_to_server(args.get("url", ""), 0, "127.0.0.1")
		if error != OK:
			_finish("connect_to_server returned error %d" % error)
			return


func _client(role: String, args: Dictionary) -> OrionClient:
	var client := OrionClient.new()
	client.reconnect = true
	client.punch_timeout_ms = int(args.get("punch-timeout-ms", "3000"))
	root.add_child(client)
	var signals := [
		"registered", "connection_failed", "connection_closed", "connection_lost", "reconnected",
		"request_failed", "lobby_hosted", "lobby_joined", "peer_joined", "peer_left", "peer_away",
		"peer_back", "lobby_closed", "chat_received", "mediation_started", "peers_received", "punched",
		"punch_failed", "mediation_succeeded", "mediation_aborted",
	]
	for name in signals:
		client.connect(name, self, "_on_" + name, [role])
	return client


# The first drop happens between frames, as a network failure would.
func _idle(_delta: float) -> bool:
	if done:
		return false
	if drop_due:
		drop_due = false
		_drop_member()
	if OS.get_ticks_msec() > deadline_ms:
		_finish("timed out")
	return false


func _drop_member() -> void:
	drops += 1
	report.event("dropped", {"role": "member", "drop": drops})
	member.drop_connection()


func _on_registered(_role: String) -> void:
	registered += 1
	if registered == 2:
		_check(host.host_lobby("Host", "Comeback Night", false, 4), "host_lobby")


func _on_lobby_hosted(hosted_id: String, lobby_name: String, role: String) -> void:
	lobby_id = hosted_id
	report.event("lobby_hosted", {"role": role, "lobbyId": hosted_id, "lobbyName": lobby_name})
	_met("host:hosted")
	_check(member.join_lobby(lobby_id, "Ann"), "join_lobby")


func _on_lobby_joined(info: Dictionary, role: String) -> void:
	report.event("lobby_joined", {"role": role, "info": info})
	_met("member:joined")
	_drop_once_seated()


func _on_peer_joined(name: String, role: String) -> void:
	report.event("peer_joined", {"role": role, "name": name})
	if role != "host" or name != "Ann":
		_finish("unexpected peer_joined %s for %s" % [name, role])
		return
	_met("host:peer_joined")
	_drop_once_seated()


# The join's answer and the host's peer_joined come in either order.
func _drop_once_seated() -> void:
	var missing: Array = report.missing()
	if drops == 0 and not missing.has("member:joined") and not missing.has("host:peer_joined"):
		drop_due = true


func _on_connection_lost(code: int, role: String) -> void:
	report.event("connection_lost", {
		"role": role, "code": code, "drop": drops, "reconnecting": member.is_reconnecting(),
		"registered": member.is_registered(), "lobbyIdAfter": member.get_lobby_id(),
	})
	if role != "member":
		_finish("unexpected connection_lost %d for %s" % [code, role])
		return
	_met("member:connection_lost:%d" % drops)
	if drops == 1:
		_check(member.send_chat(QUEUED_LINE), "send_chat (while away)")


func _on_peer_away(name: String, role: String) -> void:
	if role == "host":
		host_aways += 1
	# "drop": the host's own count of absences, which names the drop it hears of.
	report.event("peer_away", {"role": role, "name": name, "drop": host_aways})
	if role != "host" or name != "Ann":
		_finish("unexpected peer_away %s for %s" % [name, role])
		return
	if host_aways != host_backs + 1:
		_finish("peer_away %d before peer_back %d" % [host_aways, host_aways - 1])
		return
	_met("host:peer_away:%d" % host_aways)
	if host_aways == 1:
		_check(host.send_chat(AWAY_LINE), "send_chat")


func _on_reconnected(summary: Dictionary, role: String) -> void:
	report.event("reconnected", {
		"role": role, "summary": summary, "drop": drops, "registered": member.is_registered(),
		"reconnecting": member.is_reconnecting(),
	})
	if role != "member":
		_finish("unexpected reconnected for " + role)
		return
	_met("member:reconnected:%d" % drops)
	_mediate_when_ready()


func _on_peer_back(name: String, role: String) -> void:
	if role == "host":
		host_backs += 1
	report.event("peer_back", {"role": role, "name": name, "drop": host_backs})
	if role != "host" or name != "Ann":
		_finish("unexpected peer_back %s for %s" % [name, role])
		return
	if host_backs != host_aways:
		_finish("peer_back %d without its peer_away" % host_backs)
		return
	_met("host:peer_back:%d" % host_backs)
	_mediate_when_ready()


# Chat is only sent during the first drop; all of it must arrive once the member is back.
func _on_chat_received(sender: String, text: String, _timestamp: int, role: String) -> void:
	var missing: Array = report.missing()
	# Each side by what its own socket said: the two sockets are read in no set order.
	var back: bool = not missing.has(
		"member:reconnected:1" if role == "member" else "host:peer_back:1")
	report.event("chat_received", {
		"role": role, "sender": sender, "text": text, "afterReconnect": back,
	})
	if role == "member" and not back:
		_finish("the member heard %s before it was back" % text)
	elif role == "member" and text == AWAY_LINE:
		_met("member:missed_chat")
	elif role == "member" and text == QUEUED_LINE:
		_met("member:own_chat")
	elif role == "host" and text == QUEUED_LINE:
		if not back:
			_finish("the host heard %s before the member was back" % text)
			return
		_met("host:queued_chat")
	_mediate_when_ready()


# Once the first drop is over on both sides and both lines are in, the host mediates.
func _mediate_when_ready() -> void:
	var missing: Array = report.missing()
	var keys := [
		"member:reconnected:1", "host:peer_back:1", "member:missed_chat", "member:own_chat",
		"host:queued_chat",
	]
	for key in keys:
		if missing.has(key):
			return
	if not mediation_asked:
		mediation_asked = true
		_check(host.start_mediation(), "start_mediation")


func _on_mediation_started(server_udp_port: int, role: String) -> void:
	report.event("mediation_started", {"role": role, "serverUdpPort": server_udp_port})
	if role == "member":
		_met("member:mediation_started")
		# At once, inside the frame's signal: whatever Orion sends next (the peer list) is
		# missed and must come again after the resume. The UDP packet still goes out.
		_drop_member()


func _on_peers_received(peers: Array, role: String) -> void:
	report.event("peers_received", {"role": role, "peers": peers, "drop": drops})
	if role == "member":
		_met("member:peers_received")
		# Inside the signal again: the punching that follows runs while the member is away.
		_drop_member()


func _on_punched(peers: Array, role: String) -> void:
	report.event("punched", {"role": role, "peers": peers, "drop": drops})
	_met(role + ":punched")


func _on_mediation_succeeded(peers: Array, role: String) -> void:
	report.event("mediation_succeeded", {"role": role, "peers": peers})
	_met(role + ":mediation_succeeded")


# The lobby closes on success; then both leave on purpose.
func _on_lobby_closed(closed_id: String, _lobby_name: String, role: String) -> void:
	report.event("lobby_closed", {"role": role, "lobbyId": closed_id})
	_met(role + ":lobby_closed")
	var missing: Array = report.missing()
	if not closing and not missing.has("host:lobby_closed") and not missing.has("member:lobby_closed"):
		closing = true
		host.close()
		member.close()


func _on_connection_closed(code: int, role: String) -> void:
	report.event("connection_closed", {"role": role, "code": code})
	if not closing:
		_finish("connection_closed %d for %s" % [code, role])
		return
	_met(role + ":connection_closed")
	if report.all_met():
		_finish("")


func _on_connection_failed(url: String, role: String) -> void:
	_finish("connection_failed %s for %s" % [url, role])


func _on_request_failed(status: int, _errors: Array, request: String, role: String) -> void:
	_finish("request_failed %d %s for %s" % [status, request, role])


func _on_peer_left(name: String, role: String) -> void:
	_finish("unexpected peer_left %s for %s" % [name, role])


func _on_punch_failed(_unreachable: Array, role: String) -> void:
	_finish("punch_failed for " + role)


func _on_mediation_aborted(reason: String, role: String) -> void:
	_finish("mediation_aborted for %s: %s" % [role, reason])


func _met(key: String) -> void:
	if not report.missing().has(key):
		_finish(key + " came twice or unexpectedly")
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
	closing = true
	host.close()
	member.close()
	quit(0 if failure.empty() else 1)
