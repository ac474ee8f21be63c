// Package deploy holds what runs Octoplay elsewhere than `make run`: the
// container image (Containerfile) and the Kubernetes manifests
// (kubernetes/). It has no code of its own; its tests build and run the
// image and check the manifests against the Kubernetes API types, so that
// neither can rot unseen.
package deploy
