package redisstate

// AwayAfterFailures is awayAfterFailures, for the tests of the package's
// users.
const AwayAfterFailures = awayAfterFailures
