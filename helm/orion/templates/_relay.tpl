{{/*
The relay fallback (server.relayPorts) tells players ports of a range, each of which must reach
the pod unchanged. A Kubernetes Service has no port ranges: it would need one entry per port,
NodePort renumbers ports into the node port range, and load balancers cap their listeners. Only
the node's own network (udp.mode hostNetwork) carries the range, so the chart refuses the relay
anywhere else. The address players send to is the node's: server.relayHost, the same for every
pod, or with relay.advertiseNodeIP each pod's own node IP (status.hostIP).
*/}}

{{/* "true" when each pod names its own node's IP in its relay endpoints, else empty. */}}
{{- define "orion.relayAdvertisesNodeIP" -}}
{{- $relay := .Values.relay | default dict }}
{{- if and (not (kindIs "invalid" .Values.server.relayPorts)) $relay.advertiseNodeIP }}true{{ end }}
{{- end }}

{{/* Relay combinations the schema cannot express; each fails rendering with the reason. */}}
{{- define "orion.validateRelay" -}}
{{- $server := .Values.server }}
{{- $relay := .Values.relay | default dict }}
{{- $fromNode := $relay.advertiseNodeIP | default false }}
{{- $fixedHost := not (kindIs "invalid" $server.relayHost) }}
{{- if kindIs "invalid" $server.relayPorts }}
{{- if $fromNode }}
{{- fail "relay.advertiseNodeIP needs server.relayPorts: it only chooses the address the relay's endpoints name, and the relay is off." }}
{{- end }}
{{- else }}
{{- /* values.schema.json has checked the form: two ports of 1 to 65535. */}}
{{- $ends := splitList "-" $server.relayPorts }}
{{- $first := index $ends 0 | atoi }}
{{- $last := index $ends 1 | atoi }}
{{- if gt $first $last }}
{{- fail (printf "server.relayPorts %q runs backwards: its first port (%d) is above its last (%d). Write the lower port first: \"%d-%d\"." $server.relayPorts $first $last $last $first) }}
{{- end }}
{{- if lt $first 1024 }}
{{- fail (printf "server.relayPorts %q starts below 1024: the pod runs without root or capabilities and cannot bind those ports. Choose a range from 1024 up, such as \"40000-40999\"." $server.relayPorts) }}
{{- end }}
{{- if ne .Values.udp.mode "hostNetwork" }}
{{- fail (printf "server.relayPorts is set, but udp.mode is %s. The relay tells players ports of its range, each of which must reach the pod unchanged, and a Kubernetes Service cannot expose a port range: it would need one entry per port, NodePort renumbers ports into the cluster's node port range, and load balancers cap their listeners. Set udp.mode hostNetwork, so that the pod binds the range on its node's own network (open the range in the node's firewall), or leave server.relayPorts null to run without the relay." .Values.udp.mode) }}
{{- end }}
{{- if and $fromNode $fixedHost }}
{{- fail "server.relayHost and relay.advertiseNodeIP both choose the address the relay's endpoints name: set only one (server.relayHost null with relay.advertiseNodeIP)." }}
{{- end }}
{{- if not (or $fromNode $fixedHost) }}
{{- fail "server.relayPorts needs the address players send relayed datagrams to: server.relayHost, the public IP address of the node running Orion, or relay.advertiseNodeIP: true where each node's own IP (status.hostIP) is the public one." }}
{{- end }}
{{- if and $fixedHost (gt (.Values.replicaCount | int64) 1) }}
{{- fail (printf "replicaCount is %d with the relay on, but every pod would name the one server.relayHost in its relay endpoints, while each pod relays on a node of its own (hostNetwork, one pod per node): pairs relayed by any pod but the one on that address would be sent to the wrong node. Keep replicaCount at 1, or, if every node's own IP (status.hostIP) is public, set relay.advertiseNodeIP: true and server.relayHost null so that each pod names its own node." (.Values.replicaCount | int64)) }}
{{- end }}
{{- end }}
{{- end }}
