// Package notify owns subscriptions to notifications and their delivery,
// for every API that notifies (VNF package management, VNF LCM, ...): the
// SOL 013 callback test on subscribe, duplicate detection, and a durable
// outbox.
//
// Publishing enqueues one delivery job per matching subscription in the
// caller's store transaction, so a notification exists if and only if the
// state change it reports committed, and a restart loses none: the job rows
// are the outbox. The delivery worker POSTs the notification to the
// callback URI with the subscription's authentication (HTTP Basic, or a
// Bearer token obtained with OAuth 2.0 client credentials), and retries
// with exponential back-off, a bounded number of times, until the
// subscriber answers 2xx. Delivery is at least once: a subscriber may see a
// notification twice (after a crash between its answer and the job's
// completion) and should use the notification id to tell.
//
// Subscriptions carry the subscriber's credentials. They are stored, and
// used for the callback, but never logged nor put in errors: Subscription's
// String, GoString and LogValue redact them, and [Subscription.Redacted]
// returns a copy without them.
package notify
