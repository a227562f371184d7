{{/* The control plane's scope: Cluster unless global.scope says Namespaced; anything else fails. */}}
{{- define "kubefed.scope" -}}
{{- $scope := .Values.global.scope | default "Cluster" -}}
{{- if not (has $scope (list "Cluster" "Namespaced")) -}}
{{- fail (printf "global.scope must be Cluster or Namespaced, not %q" $scope) -}}
{{- end -}}
{{- $scope -}}
{{- end -}}

{{- define "kubefed.namespaced" -}}
{{- if eq (include "kubefed.scope" .) "Namespaced" }}true{{ end -}}
{{- end -}}

{{/* Cluster-scoped names get the release namespace as a suffix in a namespaced install, so that
several namespaced control planes can share a host cluster (KubeFed's convention). */}}
{{- define "kubefed.clusterName" -}}
{{- if include "kubefed.namespaced" .root -}}
{{ .name }}-{{ .root.Release.Namespace }}
{{- else -}}
{{ .name }}
{{- end -}}
{{- end -}}

{{- define "kubefed.labels" -}}
app.kubernetes.io/name: kubefed
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | quote }}
{{- end -}}

{{/* image: repository/image:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "kubefed.image" -}}
{{ .values.repository }}/{{ .values.image }}:{{ .values.tag | default .root.Chart.AppVersion }}
{{- end -}}

{{/* A feature gate's configuration from a value: Enabled/Disabled, true/false, or the default. */}}
{{- define "kubefed.gate" -}}
{{- $value := .value -}}
{{- if kindIs "bool" $value -}}
{{ ternary "Enabled" "Disabled" $value }}
{{- else if not $value -}}
{{ .default }}
{{- else if has $value (list "Enabled" "Disabled") -}}
{{ $value }}
{{- else -}}
{{- fail (printf "controllermanager.featureGates.%s must be Enabled or Disabled, not %q" .name $value) -}}
{{- end -}}
{{- end -}}

{{/* Where the API server reaches the webhook: the in-cluster Service or, for a webhook running
elsewhere, controllermanager.webhook.url. Call with (dict "root" $ "path" "/validate-...").
The CA bundle follows from the certificate source. */}}
{{- define "kubefed.webhookClientConfig" -}}
{{- $webhook := .root.Values.controllermanager.webhook -}}
{{- if $webhook.url }}
url: {{ printf "%s%s" (trimSuffix "/" $webhook.url) .path | quote }}
caBundle: {{ required "controllermanager.webhook.caBundle is required with controllermanager.webhook.url: the base64 PEM of the CA that signed the webhook's serving certificate" $webhook.caBundle | quote }}
{{- else }}
service:
  namespace: {{ .root.Release.Namespace | quote }}
  name: kubefed-admission-webhook
  path: {{ .path }}
{{- if not .root.Values.controllermanager.certManager.enabled }}
caBundle: {{ .caBundle | quote }}
{{- end }}
{{- end }}
{{- end -}}
