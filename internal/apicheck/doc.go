// Package apicheck holds the tests that keep the public API honest (issue
// 12): every exported sentinel error of the module is, or wraps, one listed
// in package errors and says "socketeer: "; every exported error type
// unwraps to one of package errors; no exported identifier is documented as
// plumbing ("called by the router", ...). It has no code of its own.
package apicheck
