package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"octoplay/internal/clientaddr"
	"octoplay/server/state"
)

// A client's own reservations: created with POST, changed with PATCH,
// removed with DELETE, listed and read beside the fixtures, which no one
// may change. They are kept in a state.Records store under an owner that
// is the client id and the client's address together: the demo client's
// credentials are public, so a client id alone would let any stranger read
// and fill everyone's sandbox.

// ReservationLimits bound what the sandbox keeps of each owner's writes: a
// hundred reservations at most, each gone an hour after it was made, each
// a few hundred bytes (1 KiB at most).
var ReservationLimits = state.RecordLimits{TTL: time.Hour, PerOwner: 100, MaxData: 1 << 10}

const (
	jsonPatchMediaType = "application/merge-patch+json" // RFC 7396, what a PATCH of JSON fields is
	reservationPrefix  = "RSV-"
)

// owner is whose writes a request reads and makes.
func owner(r *http.Request, tok tokenRecord) string {
	return clientaddr.Of(r) + " " + tok.clientID
}

func (s *Sandbox) getReservation(r *http.Request, tok tokenRecord) (reply, *failure) {
	id := r.PathValue("id")
	if res, found := fixture(id); found {
		return ok(res)
	}
	rec, err := s.reservations.Get(r.Context(), owner(r, tok), id)
	return s.recordReply(r, tok, rec, err)
}

func (s *Sandbox) createReservation(r *http.Request, tok tokenRecord) (reply, *failure) {
	members, f := readJSONObject(r, "Accept-Post", jsonMediaType)
	if f != nil {
		return reply{}, f
	}
	res := reservation{Status: statusConfirmed, ServiceIDs: []int{}}
	errs := applyMembers(&res, members, true)
	if len(errs) == 0 {
		errs = checkStay(res)
	}
	if len(errs) > 0 {
		return reply{}, invalidFields(errs)
	}
	res.ID = newReservationID()
	data, err := json.Marshal(res)
	if err != nil {
		return reply{}, unavailable(err)
	}
	rec, err := s.reservations.Create(r.Context(), owner(r, tok), res.ID, data, func(live []state.Record) error {
		return checkFree(res, live)
	})
	if err != nil {
		return reply{}, s.storeFailure(r.Context(), owner(r, tok), err)
	}
	res.SandboxExpiresAt = expiresAt(rec)
	// A relative reference (RFC 9110 §10.2.2): the sandbox does not know
	// where it is mounted, and this resolves against the request's URL.
	header := http.Header{"Location": {"reservations/" + res.ID}}
	return reply{status: http.StatusCreated, header: header, data: res}, nil
}

func (s *Sandbox) updateReservation(r *http.Request, tok tokenRecord) (reply, *failure) {
	id := r.PathValue("id")
	if _, found := fixture(id); found {
		return reply{}, fixtureReadOnly()
	}
	members, f := readJSONObject(r, "Accept-Patch", jsonMediaType, jsonPatchMediaType)
	if f != nil {
		return reply{}, f
	}
	if len(members) == 0 {
		return reply{}, apiFailure(http.StatusBadRequest, codeBadRequest,
			"the body changes nothing; send one or more of "+strings.Join(writableFields, ", "))
	}
	rec, err := s.reservations.Update(r.Context(), owner(r, tok), id, func(cur state.Record, others []state.Record) ([]byte, error) {
		res, f := decodeRecord(cur)
		if f != nil {
			return nil, refusal{f}
		}
		errs := applyMembers(&res, members, false)
		if len(errs) == 0 {
			errs = checkStay(res)
		}
		if len(errs) > 0 {
			return nil, refusal{invalidFields(errs)}
		}
		if err := checkFree(res, others); err != nil {
			return nil, err
		}
		return json.Marshal(res)
	})
	return s.recordReply(r, tok, rec, err)
}

// recordReply answers with the stored reservation a store's call returned,
// or with what its error means.
func (s *Sandbox) recordReply(r *http.Request, tok tokenRecord, rec state.Record, err error) (reply, *failure) {
	if err != nil {
		return reply{}, s.storeFailure(r.Context(), owner(r, tok), err)
	}
	res, f := decodeRecord(rec)
	if f != nil {
		return reply{}, f
	}
	return ok(res)
}

func (s *Sandbox) deleteReservation(r *http.Request, tok tokenRecord) (reply, *failure) {
	id := r.PathValue("id")
	if _, found := fixture(id); found {
		return reply{}, fixtureReadOnly()
	}
	if err := s.reservations.Delete(r.Context(), owner(r, tok), id); err != nil {
		return reply{}, s.storeFailure(r.Context(), owner(r, tok), err)
	}
	return reply{status: http.StatusNoContent}, nil
}

// ownReservations are the owner's live reservations.
func (s *Sandbox) ownReservations(ctx context.Context, owner string) ([]reservation, *failure) {
	recs, err := s.reservations.List(ctx, owner)
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]reservation, 0, len(recs))
	for _, rec := range recs {
		res, f := decodeRecord(rec)
		if f != nil {
			return nil, f
		}
		out = append(out, res)
	}
	return out, nil
}

// checkFree refuses res when a fixture or another of the owner's live
// reservations holds its room on one of its nights.
func checkFree(res reservation, live []state.Record) error {
	others := append([]reservation(nil), reservations...)
	for _, rec := range live {
		o, f := decodeRecord(rec)
		if f != nil {
			return refusal{f}
		}
		others = append(others, o)
	}
	if o, taken := overlaps(res, others); taken {
		return refusal{apiFailure(http.StatusConflict, codeConflict, fmt.Sprintf(
			"room %d is taken from %s to %s by reservation %s; choose other dates or another room",
			o.RoomID, o.ArrivalDate, o.DepartureDate, o.ID))}
	}
	return nil
}

// refusal carries a failure out of a store's admit or change function.
type refusal struct{ f *failure }

func (r refusal) Error() string { return "sandbox: refused" }

// storeFailure answers a store's error: its refusal if it carries one, a
// missing reservation, a client at its limit; anything else means the
// store failed, and the sandbox refuses rather than guess (fails closed).
func (s *Sandbox) storeFailure(ctx context.Context, owner string, err error) *failure {
	if r, ok := errors.AsType[refusal](err); ok {
		return r.f
	}
	switch {
	case errors.Is(err, state.ErrNotFound):
		return apiFailure(http.StatusNotFound, codeNotFound, "no reservation with that id")
	case errors.Is(err, state.ErrOwnerFull):
		return s.ownerFull(ctx, owner)
	case errors.Is(err, state.ErrStoreFull):
		return apiFailure(http.StatusServiceUnavailable, codeUnavailable,
			"the sandbox holds as many reservations as it can; each goes an hour after it was made, so try again later").
			withHeader("Retry-After", "60")
	}
	return unavailable(err)
}

// ownerFull says the client has all the reservations it may keep, and when
// its oldest goes.
func (s *Sandbox) ownerFull(ctx context.Context, owner string) *failure {
	recs, err := s.reservations.List(ctx, owner)
	if err != nil || len(recs) == 0 {
		return unavailable(err)
	}
	wait := max(time.Second, recs[0].Expires.Sub(s.now()))
	return apiFailure(http.StatusTooManyRequests, codeLimitExceeded, fmt.Sprintf(
		"this client keeps at most %d reservations in the sandbox; delete one, or wait until the oldest goes at %s (each goes an hour after it was made)",
		ReservationLimits.PerOwner, recs[0].Expires.UTC().Format(time.TimeOnly)+" UTC")).
		withHeader("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
}

// unavailable is the answer when the store of writes fails: 503, never a
// write let through or a read made up.
func unavailable(error) *failure {
	return apiFailure(http.StatusServiceUnavailable, codeUnavailable,
		"the sandbox cannot reach the reservations it keeps right now; try again in a few seconds").
		withHeader("Retry-After", "5")
}

func invalidFields(errs []fieldError) *failure {
	names := make([]string, len(errs))
	for i, e := range errs {
		names[i] = e.Field
	}
	f := apiFailure(http.StatusBadRequest, codeValidation, "the reservation is not valid: "+strings.Join(names, ", "))
	body := f.body.(envelope)
	body.Error.Details = errs
	f.body = body
	return f
}

func fixtureReadOnly() *failure {
	return apiFailure(http.StatusForbidden, codeForbidden,
		"the sandbox's example reservations cannot be changed; create your own with POST and change that")
}

// decodeRecord reads a stored reservation, with when the sandbox lets it go.
func decodeRecord(rec state.Record) (reservation, *failure) {
	var res reservation
	if err := json.Unmarshal(rec.Data, &res); err != nil {
		return reservation{}, unavailable(err)
	}
	res.SandboxExpiresAt = expiresAt(rec)
	return res, nil
}

func expiresAt(rec state.Record) string { return rec.Expires.UTC().Format(time.RFC3339) }

func fixture(id string) (reservation, bool) {
	for _, res := range reservations {
		if res.ID == id {
			return res, true
		}
	}
	return reservation{}, false
}

// newReservationID is a fresh id, unlike the fixtures' (RSV-2026-0001):
// 40 random bits, so that ids do not collide within an owner's hundred.
func newReservationID() string {
	b := make([]byte, 5)
	_, _ = rand.Read(b) // never fails: crypto/rand.Read crashes the program rather than return an error
	return reservationPrefix + base32.StdEncoding.EncodeToString(b)
}
