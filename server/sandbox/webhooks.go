package sandbox

import (
	"fmt"
	"net/http"
	"slices"
)

// Webhooks: subscriptions to RESERVATION_CREATED, RESERVATION_UPDATED and
// RESERVATION_DELETED. OctoTable POSTs each event to the subscription's
// endpoint; the sandbox never calls a URL a client gives it (it would be a
// way into any network it can reach), and keeps each delivery in the
// owner's inbox instead, as the POST would have been made.

var webhookTypes = []string{"RESERVATION_CREATED", "RESERVATION_UPDATED", "RESERVATION_DELETED"}

var subscriptionFields = []field{
	{name: "endpoint", kind: kURL, required: true, doc: "the https URL OctoTable POSTs the events to (the sandbox keeps them in its inbox)"},
	{name: "webhook_type", kind: kEnum, enum: webhookTypes, required: true},
}

var subscriptionQuery = []field{
	{name: "next_cursor", kind: kString, doc: "taken; the sandbox answers every subscription in one page"},
	{name: "limit", kind: kInt, least: 1, doc: "taken; the sandbox answers every subscription in one page"},
}

type subscriptionBody struct {
	Endpoint    string `json:"endpoint"`
	WebhookType string `json:"webhook_type"`
}

// maxSubscriptions bounds an owner's subscriptions.
const maxSubscriptions = 10

func listSubscriptions(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		var out []Subscription
		for _, id := range sortedIDs(w.subscriptions) {
			out = append(out, w.subscriptions[id])
		}
		return ok(out...)
	})
}

func theSubscription(w *world, c *call) (Subscription, *failure) {
	return pathObject(w.subscriptions, c, "subscription_id", "Subscription")
}

func getSubscription(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		sub, f := theSubscription(w, c)
		if f != nil {
			return reply{}, f
		}
		return ok(sub)
	})
}

func createSubscription(s *Sandbox, c *call) (reply, *failure) {
	var b subscriptionBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		if len(w.subscriptions) >= maxSubscriptions {
			return reply{}, conflict(fmt.Sprintf("this client has %d subscriptions, as many as the sandbox keeps; delete one first", maxSubscriptions))
		}
		sub := Subscription{ID: nextID(w.subscriptions), Endpoint: b.Endpoint, WebhookType: b.WebhookType}
		w.subscriptions[sub.ID] = sub
		w.add(kindSubscription, sub.ID)
		return created(sub)
	})
}

func updateSubscription(s *Sandbox, c *call) (reply, *failure) {
	var b subscriptionBody
	if f := c.decode(&b); f != nil {
		return reply{}, f
	}
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		sub, f := theSubscription(w, c)
		if f != nil {
			return reply{}, f
		}
		sub.Endpoint, sub.WebhookType = b.Endpoint, b.WebhookType
		w.subscriptions[sub.ID] = sub
		w.touch(kindSubscription, sub.ID)
		return ok(sub)
	})
}

func deleteSubscription(s *Sandbox, c *call) (reply, *failure) {
	return changeWorld(s, c, func(w *world) (reply, *failure) {
		sub, f := theSubscription(w, c)
		if f != nil {
			return reply{}, f
		}
		delete(w.subscriptions, sub.ID)
		w.touch(kindSubscription, sub.ID)
		return ok(sub.ID)
	})
}

// listDeliveries is the inbox: the newest deliveries first.
func listDeliveries(s *Sandbox, c *call) (reply, *failure) {
	return withWorld(s, c, func(w *world) (reply, *failure) {
		var out []Delivery
		ids := sortedIDs(w.deliveries)
		slices.Reverse(ids)
		for _, id := range ids {
			out = append(out, w.deliveries[id])
		}
		return ok(out...)
	})
}

// notify delivers an event about res to the inbox, once for each
// subscription to its type, and keeps the newest maxDeliveries.
func (w *world) notify(webhookType string, res Reservation) {
	for _, id := range sortedIDs(w.subscriptions) {
		sub := w.subscriptions[id]
		if sub.WebhookType != webhookType {
			continue
		}
		d := Delivery{
			ID:          nextID(w.deliveries),
			DeliveredAt: w.now.UTC().Format(dateTimeLayout),
			Method:      http.MethodPost,
			URL:         sub.Endpoint,
			Headers:     map[string]string{"Content-Type": jsonMediaType, "User-Agent": "OctoTable-Webhooks (sandbox)"},
			Body:        Event{WebhookType: webhookType, SubscriptionID: sub.ID, PropertyID: w.property, Data: []Reservation{res}},
		}
		w.deliveries[d.ID] = d
		w.add(kindDelivery, d.ID)
	}
	for ids := sortedIDs(w.deliveries); len(ids) > maxDeliveries; ids = ids[1:] {
		delete(w.deliveries, ids[0])
		w.touch(kindDelivery, ids[0])
	}
}
