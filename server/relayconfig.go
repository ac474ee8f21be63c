//go:build !js

package server

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"

	"octoplay/internal/wire"
	"octoplay/server/relay"
	"octoplay/server/sandbox"
)

// octotableOrigin is the real OctoTable, as its quickstart publishes it:
// its paths are the contract's.
const octotableOrigin = "https://api.octotable.com"

// fileConfig is the -config file: more environments, and profiles for the
// built-in ones, which are written as its environments are.
type fileConfig struct {
	Environments []fileEnvironment                       `json:"environments"`
	Profiles     map[string]map[string]relay.Credentials `json:"profiles"`
}

type fileEnvironment struct {
	Name     string                       `json:"name"`
	Title    string                       `json:"title"`
	TokenURL string                       `json:"token_url"`
	APIBases []string                     `json:"api_bases"`
	Profiles map[string]relay.Credentials `json:"profiles"`
}

func readFileConfig(path string) (fileConfig, error) {
	var fc fileConfig
	if path == "" {
		return fc, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fc, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fc); err != nil {
		return fc, fmt.Errorf("read config %s: %w", path, err)
	}
	return fc, nil
}

// envProfiles reads the profiles that OCTOPLAY_PROFILES names
// ("octotable/partner-demo,sandbox/other"), each from
// OCTOPLAY_PROFILE_<ENV>_<NAME>_CLIENT_ID and ..._CLIENT_SECRET.
func envProfiles(list string, getenv func(string) string) (map[string]map[string]relay.Credentials, error) {
	out := map[string]map[string]relay.Credentials{}
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		env, name, ok := strings.Cut(item, "/")
		if !ok || env == "" || name == "" {
			return nil, fmt.Errorf("profiles: %q: want environment/profile", item)
		}
		prefix := envPrefix + "PROFILE_" + strings.ToUpper(strings.ReplaceAll(env+"_"+name, "-", "_"))
		creds := relay.Credentials{ClientID: getenv(prefix + "_CLIENT_ID"), ClientSecret: getenv(prefix + "_CLIENT_SECRET")}
		if creds.ClientID == "" || creds.ClientSecret == "" {
			return nil, fmt.Errorf("profiles: %s needs %s_CLIENT_ID and %s_CLIENT_SECRET", item, prefix, prefix)
		}
		if out[env] == nil {
			out[env] = map[string]relay.Credentials{}
		}
		out[env][name] = creds
	}
	return out, nil
}

// environments are the relay's allow-list: the sandbox, reached in-process
// at its public URLs; OctoTable when -octotable is on; and the config
// file's. Profiles from the file and the environment variables are added
// to the environment they name. (The relay refuses a name defined twice.)
func environments(cfg Config, sb http.Handler, getenv func(string) string) ([]*relay.Environment, error) {
	fc, err := readFileConfig(cfg.ConfigFile)
	if err != nil {
		return nil, err
	}
	fromEnv, err := envProfiles(getenv(envPrefix+"PROFILES"), getenv)
	if err != nil {
		return nil, fmt.Errorf("environments: %w", err)
	}
	profiles := profileSources{file: fc.Profiles, env: fromEnv}
	specs := []fileEnvironment{sandboxEnvironment(cfg)}
	if cfg.OctoTable {
		specs = append(specs, octotableEnvironment)
	}
	var envs []*relay.Environment
	for _, spec := range append(specs, fc.Environments...) {
		env, err := relay.NewEnvironment(spec.Name, spec.Title, spec.TokenURL, spec.APIBases, profiles.of(spec.Name, spec.Profiles))
		if err != nil {
			return nil, fmt.Errorf("environments: %w", err)
		}
		envs = append(envs, env)
	}
	// The relay reaches the sandbox through the same mount a browser
	// would, but in-process: nothing dials loopback.
	envs[0].Transport = relay.NewHandlerTransport(http.StripPrefix(wire.SandboxMount, sb))
	envs[0].Operations = sandbox.Operations
	if err := profiles.checkOn(envs); err != nil {
		return nil, fmt.Errorf("environments: %w", err)
	}
	return envs, nil
}

// sandboxEnvironment is the sandbox under this server's public URL, with
// its demo client as the profile wire.SandboxProfile.
func sandboxEnvironment(cfg Config) fileEnvironment {
	base := strings.TrimRight(cfg.PublicURL, "/") + wire.SandboxMount
	return fileEnvironment{
		Name: wire.SandboxEnvironment, Title: "Sandbox (built in)",
		TokenURL: base + wire.TokenPath, APIBases: []string{base + wire.APIBase, base + wire.PMSBase},
		Profiles: map[string]relay.Credentials{wire.SandboxProfile: {ClientID: cfg.SandboxClientID, ClientSecret: cfg.SandboxClientSecret}},
	}
}

// octotableEnvironment is the real OctoTable, as its quickstart publishes it.
var octotableEnvironment = fileEnvironment{
	Name: "octotable", Title: "OctoTable",
	TokenURL: octotableOrigin + wire.TokenPath, APIBases: []string{octotableOrigin + wire.APIBase, octotableOrigin + wire.PMSBase},
}

// profileSources are the profiles that come from outside an environment's
// own definition, by environment: the config file's and the variables'.
type profileSources struct {
	file, env map[string]map[string]relay.Credentials
}

// of is env's own profiles, then the file's, then the variables', a later
// one winning over an earlier one of the same name.
func (ps profileSources) of(env string, own map[string]relay.Credentials) map[string]relay.Credentials {
	all := map[string]relay.Credentials{}
	maps.Copy(all, own)
	maps.Copy(all, ps.file[env])
	maps.Copy(all, ps.env[env])
	return all
}

// checkOn refuses profiles for an environment that is not on.
func (ps profileSources) checkOn(envs []*relay.Environment) error {
	on := func(name string) bool {
		return slices.ContainsFunc(envs, func(e *relay.Environment) bool { return e.Name == name })
	}
	for env := range ps.env {
		if !on(env) {
			return fmt.Errorf("OCTOPLAY_PROFILES names environment %q, which is not on", env)
		}
	}
	for env := range ps.file {
		if !on(env) {
			return fmt.Errorf("the config file's profiles name environment %q, which is not on", env)
		}
	}
	return nil
}
