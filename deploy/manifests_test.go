package deploy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// manifests are the objects of deploy/kubernetes, each decoded into its
// Kubernetes API type.
type manifests struct {
	kustomization kustomization
	deployment    *appsv1.Deployment
	service       *corev1.Service
	ingress       *networkingv1.Ingress
	pdb           *policyv1.PodDisruptionBudget
	secret        *corev1.Secret
}

// kustomization is the part of kustomize's Kustomization type
// (kustomize.config.k8s.io/v1beta1) that the folder uses; a field of
// kustomize's that is not here is refused like a misspelling, and belongs
// here once the folder needs it.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Labels     []struct {
		Pairs            map[string]string `json:"pairs"`
		IncludeSelectors bool              `json:"includeSelectors"`
		IncludeTemplates bool              `json:"includeTemplates"`
	} `json:"labels"`
	Images []struct {
		Name    string `json:"name"`
		NewName string `json:"newName"`
		NewTag  string `json:"newTag"`
	} `json:"images"`
}

// decodeStrict decodes one YAML document as the API server does: field
// names matched with their case, and an unknown or repeated field an error.
// (sigs.k8s.io/yaml's UnmarshalStrict matches names without case, as
// encoding/json does, so it lets "targetport" through.)
func decodeStrict(doc []byte, into any) error {
	j, err := yaml.YAMLToJSONStrict(doc)
	if err != nil {
		return err
	}
	strict, err := kjson.UnmarshalStrict(j, into, kjson.DisallowUnknownFields)
	if err != nil {
		return err
	}
	return errors.Join(strict...)
}

// documentSeparator splits a YAML stream into documents.
var documentSeparator = regexp.MustCompile(`(?m)^---\s*$`)

// loadManifests reads the kustomization in fsys and every resource it
// lists, strictly, and checks that it lists exactly the YAML files there.
func loadManifests(fsys fs.FS) (manifests, error) {
	var m manifests
	b, err := fs.ReadFile(fsys, "kustomization.yaml")
	if err != nil {
		return m, err
	}
	if err := decodeStrict(b, &m.kustomization); err != nil {
		return m, fmt.Errorf("kustomization.yaml: %w", err)
	}
	var present []string
	for _, pattern := range []string{"*.yaml", "*.yml"} {
		found, err := fs.Glob(fsys, pattern)
		if err != nil {
			return m, err
		}
		present = append(present, found...)
	}
	present = slices.DeleteFunc(present, func(name string) bool { return name == "kustomization.yaml" })
	listed := slices.Clone(m.kustomization.Resources)
	slices.Sort(present)
	slices.Sort(listed)
	if !slices.Equal(present, listed) {
		return m, fmt.Errorf("kustomization.yaml lists %v, the folder holds %v", listed, present)
	}
	for _, name := range listed {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return m, err
		}
		for i, doc := range documentSeparator.Split(string(b), -1) {
			if err := m.add([]byte(doc)); err != nil {
				return m, fmt.Errorf("%s, document %d: %w", path.Base(name), i+1, err)
			}
		}
	}
	if m.deployment == nil || m.service == nil || m.ingress == nil || m.pdb == nil || m.secret == nil {
		return m, errors.New("want one Deployment, Service, Ingress, PodDisruptionBudget and Secret")
	}
	return m, nil
}

// add decodes one document into the field of its kind.
func (m *manifests) add(doc []byte) error {
	var meta metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &meta); err != nil {
		return err
	}
	if meta == (metav1.TypeMeta{}) {
		return nil // only comments
	}
	var into any
	switch gvk := schema.FromAPIVersionAndKind(meta.APIVersion, meta.Kind); gvk {
	case appsv1.SchemeGroupVersion.WithKind("Deployment"):
		into = setOnce(&m.deployment)
	case corev1.SchemeGroupVersion.WithKind("Service"):
		into = setOnce(&m.service)
	case networkingv1.SchemeGroupVersion.WithKind("Ingress"):
		into = setOnce(&m.ingress)
	case policyv1.SchemeGroupVersion.WithKind("PodDisruptionBudget"):
		into = setOnce(&m.pdb)
	case corev1.SchemeGroupVersion.WithKind("Secret"):
		into = setOnce(&m.secret)
	default:
		return fmt.Errorf("%s is not one of the kinds this test knows", gvk)
	}
	if into == nil {
		return fmt.Errorf("a second %s", meta.Kind)
	}
	return decodeStrict(doc, into)
}

// setOnce makes *p a new object to decode into, or returns nil when it is
// already set.
func setOnce[T any](p **T) any {
	if *p != nil {
		return nil
	}
	*p = new(T)
	return *p
}

// The manifests decode strictly into the Kubernetes API types and say what
// the server needs.
func TestManifests(t *testing.T) {
	m, err := loadManifests(os.DirFS("kubernetes"))
	require.NoError(t, err)
	for _, err := range m.check() {
		t.Error(err)
	}
}

// Each planted mistake is caught: the checks can fail.
func TestManifestsRefuseMistakes(t *testing.T) {
	tests := []struct {
		desc, file, old, new string
		want                 string // in the error
	}{
		{"misspelled field", "deployment.yaml", "readinessProbe:", "readinesProbe:", `unknown field "spec.template.spec.containers[0].readinesProbe"`},
		{"field with the wrong case", "deployment.yaml", "readOnlyRootFilesystem:", "readOnlyRootFileSystem:", `unknown field "spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem"`},
		{"repeated field", "service.yaml", "  type: ClusterIP\n", "  type: ClusterIP\n  type: NodePort\n", `"type" already set`},
		{"value of the wrong type", "deployment.yaml", "replicas: 3", "replicas: three", "cannot unmarshal string"},
		{"misspelled field in the Service", "service.yaml", "targetPort:", "targetport:", `unknown field "spec.ports[0].targetport"`},
		{"misspelled field in the kustomization", "kustomization.yaml", "includeSelectors:", "includeSelector:", `unknown field "labels[0].includeSelector"`},
		{"file not listed", "kustomization.yaml", "  - secret.yaml\n", "", "lists"},
		{"readiness on another path", "deployment.yaml", "path: /readyz", "path: /ready", "readiness probe"},
		{"readiness too slow to notice Redis gone", "deployment.yaml", "periodSeconds: 3\n            timeoutSeconds: 2\n            failureThreshold: 2", "periodSeconds: 5\n            timeoutSeconds: 2\n            failureThreshold: 2", "readiness probe: 2 failures 5 s apart"},
		{"liveness on a port number", "deployment.yaml", "path: /healthz\n              port: http", "path: /healthz\n              port: 8080", "liveness probe"},
		{"grace below the drain", "deployment.yaml", "terminationGracePeriodSeconds: 45", "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds"},
		{"root allowed", "deployment.yaml", "runAsNonRoot: true", "runAsNonRoot: false", "runAsNonRoot"},
		{"writable root", "deployment.yaml", "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", "readOnlyRootFilesystem"},
		{"a capability kept", "deployment.yaml", "- ALL", "- NET_RAW", "capabilities"},
		{"service links on", "deployment.yaml", "enableServiceLinks: false", "enableServiceLinks: true", "enableServiceLinks"},
		{"GOMEMLIMIT above the limit", "deployment.yaml", "value: 160MiB", "value: 256MiB", "GOMEMLIMIT"},
		{"listening on another port", "deployment.yaml", `value: ":8080"`, `value: ":8081"`, "OCTOPLAY_ADDR"},
		{"a secret in plain text", "deployment.yaml", "- name: OCTOPLAY_RELAY_KEY\n              valueFrom:\n                secretKeyRef:\n                  name: octoplay\n                  key: OCTOPLAY_RELAY_KEY", "- name: OCTOPLAY_RELAY_KEY\n              value: 1:0020:abc", "OCTOPLAY_RELAY_KEY"},
		{"a real value in the Secret", "secret.yaml", "REPLACE_WITH_redis_URL_of_the_shared_state", "redis://:hunter2@redis:6379/0", "placeholder"},
		{"Service selects other pods", "service.yaml", "  selector:\n    app.kubernetes.io/name: octoplay", "  selector:\n    app.kubernetes.io/name: octoplay-other", "Service selector"},
		{"budget selects other pods", "poddisruptionbudget.yaml", "      app.kubernetes.io/name: octoplay", "      app.kubernetes.io/name: other", "PodDisruptionBudget selector"},
		{"budget that blocks every drain", "poddisruptionbudget.yaml", "maxUnavailable: 1", "maxUnavailable: 0", "PodDisruptionBudget"},
		{"scrape port not the metrics port", "deployment.yaml", `prometheus.io/port: "9090"`, `prometheus.io/port: "8080"`, "prometheus.io/port"},
		{"Ingress to another Service", "ingress.yaml", "name: octoplay\n                port:", "name: other\n                port:", "Ingress backend"},
		{"Ingress to a port the Service lacks", "ingress.yaml", "                  name: http", "                  name: web", "Ingress backend"},
		{"Ingress without TLS", "ingress.yaml", "  tls:\n    - hosts:\n        - playground.example.com\n      secretName: octoplay-tls\n", "", "Ingress: TLS"},
		{"Ingress for another host", "ingress.yaml", "    - host: playground.example.com", "    - host: other.example.com", "Ingress"},
		{"Ingress of another class", "ingress.yaml", "ingressClassName: nginx", "ingressClassName: traefik", "ingressClassName"},
		{"no trusted proxies behind the Ingress", "deployment.yaml", "- name: OCTOPLAY_TRUSTED_PROXIES\n", "- name: OCTOPLAY_TRUSTED_PROXY\n", "OCTOPLAY_TRUSTED_PROXIES"},
		{"trusted proxies not CIDRs", "deployment.yaml", "value: 10.244.0.0/16", "value: 10.244/16", "OCTOPLAY_TRUSTED_PROXIES"},
		{"image override for another name", "kustomization.yaml", "- name: octoplay\n", "- name: octoplay-server\n", "images"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			fsys := copyDir(t, "kubernetes")
			before := string(fsys[tt.file].Data)
			require.Equal(t, 1, strings.Count(before, tt.old), "the mistake must be planted exactly once")
			fsys[tt.file].Data = []byte(strings.Replace(before, tt.old, tt.new, 1))

			m, err := loadManifests(fsys)
			if err == nil {
				err = errors.Join(m.check()...)
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// copyDir reads dir into memory, for a test to change.
func copyDir(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	fsys := fstest.MapFS{}
	for _, e := range entries {
		b, err := os.ReadFile(path.Join(dir, e.Name()))
		require.NoError(t, err)
		fsys[e.Name()] = &fstest.MapFile{Data: b}
	}
	return fsys
}
