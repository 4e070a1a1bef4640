{{/* The chart name, or nameOverride. */}}
{{- define "orion.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The full name of the release's objects, at most 63 characters (a DNS label). The release name
alone when it already contains the chart name.
*/}}
{{- define "orion.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The UDP Service's name; "-udp" fits in 63 characters. */}}
{{- define "orion.udpServiceName" -}}
{{- printf "%s-udp" (include "orion.fullname" . | trunc 59 | trimSuffix "-") }}
{{- end }}

{{- define "orion.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "orion.labels" -}}
helm.sh/chart: {{ include "orion.chart" . }}
{{ include "orion.selectorLabels" . }}
app.kubernetes.io/version: {{ include "orion.imageTag" . | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "orion.selectorLabels" -}}
app.kubernetes.io/name: {{ include "orion.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "orion.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "orion.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "orion.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag | toString }}
{{- end }}

{{- define "orion.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "orion.imageTag" .) }}
{{- end }}

{{/*
The UDP port clients are told to send to (ORION_UDP_ADVERTISED_PORT). It is the port on the
address clients actually reach, which differs per mode: the load balancer's port, the fixed
node port, or, with hostNetwork, the container port itself (it is the node's port then).
*/}}
{{- define "orion.udpAdvertisedPort" -}}
{{- $udp := .Values.udp }}
{{- if not (kindIs "invalid" .Values.server.udpAdvertisedPort) }}
{{- .Values.server.udpAdvertisedPort | int64 }}
{{- else if eq $udp.mode "LoadBalancer" }}
{{- $udp.service.port | int64 }}
{{- else if eq $udp.mode "NodePort" }}
{{- $udp.service.nodePort | int64 }}
{{- else }}
{{- .Values.server.udpPort | int64 }}
{{- end }}
{{- end }}

{{/*
Kubernetes kills the container terminationGracePeriodSeconds after SIGTERM. It must outlast
the server's own drain (shutdownGraceMs), or clients lose the goodbye messages.
*/}}
{{- define "orion.terminationGracePeriodSeconds" -}}
{{- $graceMs := .Values.server.shutdownGraceMs | int64 }}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- add (div (add $graceMs 999) 1000) 5 }}
{{- else }}
{{- $seconds := .Values.terminationGracePeriodSeconds | int64 }}
{{- if le (mul $seconds 1000) $graceMs }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be above server.shutdownGraceMs (%d ms), or Kubernetes kills Orion before it has drained. Leave it null to derive it (%d)." $seconds $graceMs (add (div (add $graceMs 999) 1000) 5)) }}
{{- end }}
{{- $seconds }}
{{- end }}
{{- end }}

{{/* Combinations the schema cannot express; each fails rendering with the reason. */}}
{{- define "orion.validate" -}}
{{- if and (gt (.Values.replicaCount | int64) 1) (not (include "orion.redisSecretName" .)) }}
{{- fail (printf "replicaCount is %d, but without Redis Orion keeps lobbies and mediations in process memory, where other replicas cannot see them. Set server.redisUrl or redis.existingSecret to run more than one replica, or set replicaCount to 1 (0 stops it)." (.Values.replicaCount | int64)) }}
{{- end }}
{{- $udp := .Values.udp }}
{{- if and (eq $udp.mode "NodePort") (kindIs "invalid" $udp.service.nodePort) }}
{{- fail "udp.mode NodePort needs a fixed udp.service.nodePort (e.g. 30990, in your cluster's node port range): clients are told this port in ptpMediation_send, and a randomly allocated node port cannot be told in advance." }}
{{- end }}
{{- if and (eq $udp.mode "NodePort") $udp.service.includeHttp (kindIs "invalid" $udp.service.httpNodePort) }}
{{- fail "udp.service.includeHttp with udp.mode NodePort needs a fixed udp.service.httpNodePort: clients must know which node port serves HTTP." }}
{{- end }}
{{- $pdb := .Values.podDisruptionBudget }}
{{- if and $pdb.enabled (eq (kindIs "invalid" $pdb.minAvailable) (kindIs "invalid" $pdb.maxUnavailable)) }}
{{- fail "podDisruptionBudget needs exactly one of minAvailable and maxUnavailable (set the other to null)." }}
{{- end }}
{{- $metricsPort := .Values.server.metricsPort }}
{{- if and (not (kindIs "invalid" $metricsPort)) (eq ($metricsPort | int64) (.Values.server.httpPort | int64)) }}
{{- fail "server.metricsPort must differ from server.httpPort (both are TCP ports of the same container); leave it null to serve /metrics on the HTTP port." }}
{{- end }}
{{- if and .Values.networkPolicy.enabled .Values.networkPolicy.metrics.namespaceSelector (kindIs "invalid" $metricsPort) }}
{{- fail "networkPolicy.metrics.namespaceSelector needs server.metricsPort: without it /metrics is served on the HTTP port, which must stay open to every client." }}
{{- end }}
{{- include "orion.validateRelay" . }}
{{- end }}

{{/*
The Secret holding the Redis URL: the user's own, the chart's (from server.redisUrl), or
empty when state stays in memory.
*/}}
{{- define "orion.redisSecretName" -}}
{{- if .Values.redis.existingSecret -}}
{{- .Values.redis.existingSecret -}}
{{- else if .Values.server.redisUrl -}}
{{- printf "%s-redis" (include "orion.fullname" .) -}}
{{- end -}}
{{- end }}

{{/*
How pods are replaced on an update. Without Redis one process holds all state, so the old pod
drains and stops before the new one starts (Recreate): clients never meet two servers that
each know half of the lobbies. With Redis every replica sees the shared state, so pods are
replaced one at a time and the others keep serving; a draining pod's clients reconnect to
them. With hostNetwork a surge pod would need a node whose ports are free, which may not
exist, so there the old pod goes first.
*/}}
{{- define "orion.strategy" -}}
{{- if not (include "orion.redisSecretName" .) }}
type: Recreate
{{- else if eq .Values.udp.mode "hostNetwork" }}
type: RollingUpdate
rollingUpdate:
  maxSurge: 0
  maxUnavailable: 1
{{- else }}
type: RollingUpdate
rollingUpdate:
  maxSurge: 1
  maxUnavailable: 0
{{- end }}
{{- end }}

{{/*
The pod's affinity: the values' own, plus, with hostNetwork and several replicas, a required
anti-affinity on the node name. Each pod binds the node's HTTP and UDP ports, so two cannot
share a node. The hostPorts alone already keep the scheduler from pairing them; the rule says
it outright, so a pod left Pending for want of nodes names the reason.
*/}}
{{- define "orion.affinity" -}}
{{- $affinity := deepCopy (.Values.affinity | default dict) }}
{{- if and (eq .Values.udp.mode "hostNetwork") (gt (.Values.replicaCount | int64) 1) }}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "orion.selectorLabels" . | fromYaml)) }}
{{- $anti := get $affinity "podAntiAffinity" | default dict }}
{{- $required := get $anti "requiredDuringSchedulingIgnoredDuringExecution" | default list }}
{{- $_ := set $anti "requiredDuringSchedulingIgnoredDuringExecution" (append $required $term) }}
{{- $_ := set $affinity "podAntiAffinity" $anti }}
{{- end }}
{{- with $affinity }}
{{- toYaml . }}
{{- end }}
{{- end }}
