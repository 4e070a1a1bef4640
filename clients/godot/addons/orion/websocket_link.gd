# The WebSocket to Orion: the client's identity and message channel. Sends and receives
# text frames only (binary frames are ignored, as Orion ignores them) and reports the close
# code. Godot 3's WebSocketClient answers Orion's pings by itself while it is polled.
extends Reference

const FrameCodec = preload("frame_codec.gd")

# Normal closure, and the code for a connection that dropped without a close frame.
const CLOSE_NORMAL := 1000
const CLOSE_ABNORMAL := 1006
# "Going away": what drop() sends, which Orion treats as a connection that dropped.
const CLOSE_GOING_AWAY := 1001
# Orion closed this socket because another one resumed its client (opt-in reconnection).
const CLOSE_TAKEN_OVER := 4001

signal opened()
signal frame_received(method, payload)
# The connection ended; `code` is Orion's close code, 1000 for our own close, 1006 for a drop.
signal closed(code)
# The connection could not be opened at all.
signal failed()

var _ws := WebSocketClient.new()
var _open := false
var _server_close_code := 0
var _closing := false


func _init() -> void:
	_ws.connect("connection_established", self, "_on_established")
	_ws.connect("connection_error", self, "_on_error")
	_ws.connect("connection_closed", self, "_on_closed")
	_ws.connect("server_close_request", self, "_on_server_close_request")
	_ws.connect("data_received", self, "_on_data")


func open(url: String) -> int:
	return _ws.connect_to_url(url)


func is_open() -> bool:
	return _open


func poll() -> void:
	if _ws.get_connection_status() != NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED:
		_ws.poll()


func send(method: String, payload: Dictionary) -> int:
	if not _open:
		return ERR_CONNECTION_ERROR
	return _ws.get_peer(1).put_packet(FrameCodec.encode(method, payload).to_utf8())


func close() -> void:
	if _ws.get_connection_status() == NetworkedMultiplayerPeer.CONNECTION_DISCONNECTED:
		return
	_closing = true
	_ws.disconnect_from_host(CLOSE_NORMAL)


# Cuts the connection as a failing network would, for tests of reconnection. Godot 3's
# WebSocketClient cannot close its TCP stream without a close frame (a negative code sends an
# invalid one, which Orion takes as a protocol error and grants no grace), so this sends 1001
# and does not wait for the answer: `closed` reports a drop (1006) at once.
func drop() -> void:
	if not _open:
		return
	_open = false
	_ws.disconnect_from_host(CLOSE_GOING_AWAY)
	emit_signal("closed", CLOSE_ABNORMAL)


func _on_established(_protocol: String) -> void:
	_open = true
	_ws.get_peer(1).set_write_mode(WebSocketPeer.WRITE_MODE_TEXT)
	emit_signal("opened")


func _on_error() -> void:
	var was_open := _open
	_open = false
	if was_open:
		emit_signal("closed", CLOSE_ABNORMAL)
	else:
		emit_signal("failed")


func _on_server_close_request(code: int, _reason: String) -> void:
	_server_close_code = code


func _on_closed(_was_clean: bool) -> void:
	if not _open:
		return
	_open = false
	var code := CLOSE_ABNORMAL
	if _server_close_code != 0:
		code = _server_close_code
	elif _closing:
		code = CLOSE_NORMAL
	emit_signal("closed", code)


func _on_data() -> void:
	var peer := _ws.get_peer(1)
	# Nothing more after drop(), not even the rest of this batch.
	while _open and peer.get_available_packet_count() > 0:
		var data := peer.get_packet()
		if not peer.was_string_packet():
			continue
		var frame = FrameCodec.decode(data.get_string_from_utf8())
		if frame != null:
			emit_signal("frame_received", frame.method, frame.payload)
