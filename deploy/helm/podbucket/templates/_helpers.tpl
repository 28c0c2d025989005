{{/* The chart's name, cut to 63 characters (a DNS label). */}}
{{- define "podbucket.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every object's name: the release name, with the chart's name unless it already has it. */}}
{{- define "podbucket.fullname" -}}
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

{{/* Labels on every object. */}}
{{- define "podbucket.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{ include "podbucket.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels that select this release's pods; templates add app.kubernetes.io/component. */}}
{{- define "podbucket.selectorLabels" -}}
app.kubernetes.io/name: {{ include "podbucket.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The podbucket image. */}}
{{- define "podbucket.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The server's URL inside the cluster (S3, IAM, STS, KMS, EKS and EKS Auth). */}}
{{- define "podbucket.serverUrl" -}}
http://{{ include "podbucket.fullname" . }}.{{ .Release.Namespace }}.svc:{{ .Values.server.port }}
{{- end }}
