package deploy

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"octoplay/internal/clientaddr"
	"octoplay/internal/ohttp"
)

// What the server does on SIGTERM: /readyz turns 503 for the drain delay
// (-drain-delay), then in-flight requests get the shutdown grace
// (server/run.go).
const (
	defaultDrainDelay = 5 * time.Second
	shutdownGrace     = 30 * time.Second
)

// secretEnv are the settings that must come from the Secret, never from
// the manifest's text.
var secretEnv = []string{"OCTOPLAY_RELAY_KEY", "OCTOPLAY_REDIS_URL"}

// placeholder starts every value of the Secret template.
const placeholder = "REPLACE_WITH_"

// problems collects what check finds, so one run says everything.
type problems []error

func (p *problems) addf(format string, args ...any) {
	*p = append(*p, fmt.Errorf(format, args...))
}

// check says what in the manifests would break the server or weaken it.
func (m manifests) check() []error {
	var p problems
	d := m.deployment
	pod := d.Spec.Template
	podLabels := labels.Set(pod.Labels)

	if d.Spec.Replicas == nil || *d.Spec.Replicas < 2 {
		p.addf("Deployment: replicas must be at least 2, so that one pod can go while another serves")
	}
	p.selects("Deployment selector", d.Spec.Selector, podLabels)
	for _, obj := range []metav1.Object{d, m.service, m.ingress, m.pdb, m.secret} {
		if obj.GetLabels()["app.kubernetes.io/name"] != "octoplay" {
			p.addf("%s: no app.kubernetes.io/name: octoplay label", obj.GetName())
		}
	}

	spec := pod.Spec
	if len(spec.Containers) != 1 {
		p.addf("Deployment: want one container, got %d", len(spec.Containers))
		return p
	}
	c := spec.Containers[0]
	ports := map[string]int32{}
	for _, port := range c.Ports {
		for _, msg := range validation.IsValidPortName(port.Name) {
			p.addf("container port %q: %s", port.Name, msg)
		}
		ports[port.Name] = port.ContainerPort
	}
	env := map[string]corev1.EnvVar{}
	for _, e := range c.Env {
		env[e.Name] = e
	}
	p.listensOn("OCTOPLAY_ADDR", env, ports, "http")
	p.listensOn("OCTOPLAY_METRICS_ADDR", env, ports, "metrics")
	if a := pod.Annotations; a["prometheus.io/scrape"] == "true" && a["prometheus.io/port"] != strconv.Itoa(int(ports["metrics"])) {
		p.addf("prometheus.io/port is %q, the metrics port is %d", a["prometheus.io/port"], ports["metrics"])
	}

	p.probes(c, "liveness probe", c.LivenessProbe, "/healthz")
	p.probes(c, "readiness probe", c.ReadinessProbe, "/readyz")
	if r := c.ReadinessProbe; r != nil && r.PeriodSeconds*max(r.FailureThreshold, 1) > 8 {
		p.addf("readiness probe: %d failures %d s apart take longer than 8 s: with the server's 2 s to notice Redis gone, a pod would stay in the Service over 10 s",
			max(r.FailureThreshold, 1), r.PeriodSeconds)
	}
	drain := defaultDrainDelay
	if e, ok := env["OCTOPLAY_DRAIN_DELAY"]; ok {
		var err error
		if drain, err = time.ParseDuration(e.Value); err != nil {
			p.addf("OCTOPLAY_DRAIN_DELAY: %v", err)
		}
	}
	if g := spec.TerminationGracePeriodSeconds; g == nil || time.Duration(*g)*time.Second <= drain+shutdownGrace {
		p.addf("terminationGracePeriodSeconds must be above the drain (%s) and the shutdown grace (%s)", drain, shutdownGrace)
	}

	p.security(spec, c)
	p.resources(c, env)
	p.secrets(c, m.secret)

	p.selects("topology spread", spreadOnHosts(spec), podLabels)
	if sel := m.service.Spec.Selector; len(sel) == 0 || !labels.SelectorFromSet(sel).Matches(podLabels) {
		p.addf("Service selector %v does not select the Deployment's pods %v", sel, podLabels)
	}
	if !slices.ContainsFunc(m.service.Spec.Ports, func(sp corev1.ServicePort) bool {
		return sp.Port == 80 && sp.TargetPort == intstr.FromString("http")
	}) {
		p.addf("Service: want port 80 to the container's port named http")
	}
	p.ingress(m, env)
	p.selects("PodDisruptionBudget selector", m.pdb.Spec.Selector, podLabels)
	p.budget(m.pdb.Spec.MaxUnavailable, m.pdb.Spec.MinAvailable, *d.Spec.Replicas)

	image, _, _ := strings.Cut(c.Image, ":")
	for _, img := range m.kustomization.Images {
		if img.Name != image {
			p.addf("kustomization images: %q is not the container's image %q", img.Name, image)
		}
	}
	return p
}

// ingress checks that the Ingress is ingress-nginx's, ends TLS for the
// public URL's host and reaches the Service's http port, and that the pods
// believe its X-Forwarded-For (OCTOPLAY_TRUSTED_PROXIES set to CIDRs):
// otherwise every browser would count as the ingress.
func (p *problems) ingress(m manifests, env map[string]corev1.EnvVar) {
	ing := m.ingress.Spec
	if ing.IngressClassName == nil || *ing.IngressClassName != "nginx" {
		p.addf("Ingress: ingressClassName must be nginx (ingress-nginx)")
	}
	public, err := url.Parse(env["OCTOPLAY_PUBLIC_URL"].Value)
	if err != nil || public.Scheme != "https" {
		p.addf("OCTOPLAY_PUBLIC_URL must be https behind the Ingress, not %q", env["OCTOPLAY_PUBLIC_URL"].Value)
		return
	}
	if !slices.ContainsFunc(ing.TLS, func(tls networkingv1.IngressTLS) bool {
		return tls.SecretName != "" && slices.Contains(tls.Hosts, public.Hostname())
	}) {
		p.addf("Ingress: TLS with a certificate Secret for %s is missing", public.Hostname())
	}
	servicePorts := map[string]bool{}
	for _, sp := range m.service.Spec.Ports {
		servicePorts[sp.Name] = true
	}
	if len(ing.Rules) == 0 {
		p.addf("Ingress: no rules")
	}
	for _, rule := range ing.Rules {
		if rule.Host != public.Hostname() {
			p.addf("Ingress: rule for %q, not OCTOPLAY_PUBLIC_URL's host %q", rule.Host, public.Hostname())
		}
		if rule.HTTP == nil || len(rule.HTTP.Paths) == 0 {
			p.addf("Ingress: rule for %q has no paths", rule.Host)
			continue
		}
		for _, path := range rule.HTTP.Paths {
			svc := path.Backend.Service
			if svc == nil || svc.Name != m.service.Name || !servicePorts[svc.Port.Name] {
				p.addf("Ingress backend for %s%s must be the Service %s by a port name it has", rule.Host, path.Path, m.service.Name)
			}
		}
	}
	proxies, ok := env["OCTOPLAY_TRUSTED_PROXIES"]
	if !ok || proxies.Value == "" {
		p.addf("OCTOPLAY_TRUSTED_PROXIES is not set: behind the Ingress every browser would count as the ingress")
	} else if _, err := clientaddr.ParseProxies(proxies.Value); err != nil {
		p.addf("OCTOPLAY_TRUSTED_PROXIES: %v", err)
	}
}

// selects checks that a label selector is not empty and picks the pods.
func (p *problems) selects(what string, sel *metav1.LabelSelector, pod labels.Set) {
	if sel == nil || (len(sel.MatchLabels) == 0 && len(sel.MatchExpressions) == 0) {
		p.addf("%s: missing or empty", what)
		return
	}
	s, err := metav1.LabelSelectorAsSelector(sel)
	if err != nil {
		p.addf("%s: %v", what, err)
	} else if !s.Matches(pod) {
		p.addf("%s %v does not select the Deployment's pods %v", what, s, pod)
	}
}

// listensOn checks that an address setting listens on the named port.
func (p *problems) listensOn(name string, env map[string]corev1.EnvVar, ports map[string]int32, port string) {
	_, got, err := net.SplitHostPort(env[name].Value)
	if err != nil || got != strconv.Itoa(int(ports[port])) {
		p.addf("%s is %q, not the container port named %s (%d)", name, env[name].Value, port, ports[port])
	}
}

// probes checks that a probe GETs path on the port named http, so that a
// change of port number cannot leave it behind.
func (p *problems) probes(c corev1.Container, what string, probe *corev1.Probe, path string) {
	if probe == nil || probe.HTTPGet == nil {
		p.addf("%s: want an HTTP GET of %s", what, path)
		return
	}
	if g := probe.HTTPGet; g.Path != path || g.Port != intstr.FromString("http") {
		p.addf("%s GETs %s on port %s, want %s on the port named http", what, g.Path, g.Port.String(), path)
	}
}

// security checks that the pod runs as the image's non-root user, with a
// read-only root, no capability and no way to gain privileges.
func (p *problems) security(spec corev1.PodSpec, c corev1.Container) {
	ps, cs := spec.SecurityContext, c.SecurityContext
	if ps == nil || cs == nil {
		p.addf("want a securityContext on the pod and on the container")
		return
	}
	if ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot {
		p.addf("runAsNonRoot must be true")
	}
	if ps.RunAsUser == nil || *ps.RunAsUser != 65532 {
		p.addf("runAsUser must be the image's user, 65532")
	}
	if ps.SeccompProfile == nil || ps.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		p.addf("the pod's seccompProfile must be RuntimeDefault")
	}
	if cs.ReadOnlyRootFilesystem == nil || !*cs.ReadOnlyRootFilesystem {
		p.addf("readOnlyRootFilesystem must be true: the server writes nothing")
	}
	if cs.AllowPrivilegeEscalation == nil || *cs.AllowPrivilegeEscalation {
		p.addf("allowPrivilegeEscalation must be false")
	}
	if cs.Privileged != nil && *cs.Privileged {
		p.addf("the container must not be privileged")
	}
	if caps := cs.Capabilities; caps == nil || !slices.Equal(caps.Drop, []corev1.Capability{"ALL"}) || len(caps.Add) > 0 {
		p.addf("capabilities: want drop ALL and no add")
	}
	if spec.AutomountServiceAccountToken == nil || *spec.AutomountServiceAccountToken {
		p.addf("automountServiceAccountToken must be false: the server never calls the API")
	}
	if spec.EnableServiceLinks == nil || *spec.EnableServiceLinks {
		p.addf("enableServiceLinks must be false: the Service's variables would fall among OCTOPLAY_*")
	}
}

// resources checks that memory is requested and limited, and that the
// garbage collector's limit is below the kernel's.
func (p *problems) resources(c corev1.Container, env map[string]corev1.EnvVar) {
	req, lim := c.Resources.Requests.Memory(), c.Resources.Limits.Memory()
	if req.IsZero() || lim.IsZero() || req.Cmp(*lim) > 0 {
		p.addf("memory: want a request no larger than the limit, got %s and %s", req, lim)
	}
	if e, ok := env["GOMEMLIMIT"]; ok {
		// GOMEMLIMIT writes MiB where Kubernetes writes Mi.
		q, err := resource.ParseQuantity(strings.TrimSuffix(e.Value, "B"))
		if err != nil || q.Cmp(*lim) >= 0 {
			p.addf("GOMEMLIMIT %q must be below the memory limit %s", e.Value, lim)
		}
	}
}

// secrets checks that the secret settings come from the Secret, that the
// Secret holds exactly those, and only placeholders.
func (p *problems) secrets(c corev1.Container, s *corev1.Secret) {
	var refs []string
	for _, e := range c.Env {
		if ref := e.ValueFrom; ref != nil && ref.SecretKeyRef != nil {
			if ref.SecretKeyRef.Name != s.Name {
				p.addf("%s comes from Secret %q, not %q", e.Name, ref.SecretKeyRef.Name, s.Name)
			}
			refs = append(refs, ref.SecretKeyRef.Key)
		}
	}
	for _, name := range secretEnv {
		if !slices.Contains(refs, name) {
			p.addf("%s must come from the Secret", name)
		}
	}
	if len(s.Data) > 0 {
		p.addf("Secret: use stringData, so that a placeholder is seen as one")
	}
	var keys []string
	for k, v := range s.StringData {
		keys = append(keys, k)
		if !strings.HasPrefix(v, placeholder) {
			p.addf("Secret %s: want a placeholder starting with %s, never a value", k, placeholder)
		}
	}
	slices.Sort(keys)
	slices.Sort(refs)
	if !slices.Equal(keys, refs) {
		p.addf("Secret keys %v, the container reads %v", keys, refs)
	}
	if _, err := ohttp.ParsePrivateKey(s.StringData["OCTOPLAY_RELAY_KEY"]); err == nil {
		p.addf("the relay key placeholder parses as a key: the server would start with it")
	}
}

// spreadOnHosts is the selector of the pods kept apart across nodes, by a
// topology spread or by anti-affinity.
func spreadOnHosts(spec corev1.PodSpec) *metav1.LabelSelector {
	for _, c := range spec.TopologySpreadConstraints {
		if c.TopologyKey == "kubernetes.io/hostname" {
			return c.LabelSelector
		}
	}
	if a := spec.Affinity; a != nil && a.PodAntiAffinity != nil {
		for _, t := range a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution {
			if t.PodAffinityTerm.TopologyKey == "kubernetes.io/hostname" {
				return t.PodAffinityTerm.LabelSelector
			}
		}
		for _, t := range a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution {
			if t.TopologyKey == "kubernetes.io/hostname" {
				return t.LabelSelector
			}
		}
	}
	return nil
}

// budget checks that the disruption budget lets a drain take a pod (else
// node upgrades block) and keeps at least one serving.
func (p *problems) budget(maxUnavailable, minAvailable *intstr.IntOrString, replicas int32) {
	switch {
	case maxUnavailable != nil && minAvailable == nil:
		n, err := intstr.GetScaledValueFromIntOrPercent(maxUnavailable, int(replicas), true)
		if err != nil || n < 1 || n >= int(replicas) {
			p.addf("PodDisruptionBudget: maxUnavailable %s must let 1 to %d of %d pods go", maxUnavailable, replicas-1, replicas)
		}
	case minAvailable != nil && maxUnavailable == nil:
		n, err := intstr.GetScaledValueFromIntOrPercent(minAvailable, int(replicas), true)
		if err != nil || n < 1 || n >= int(replicas) {
			p.addf("PodDisruptionBudget: minAvailable %s must keep 1 to %d of %d pods", minAvailable, replicas-1, replicas)
		}
	default:
		p.addf("PodDisruptionBudget: want maxUnavailable or minAvailable")
	}
}
