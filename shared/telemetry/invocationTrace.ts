/**
 * Correlation: the Functions host starts a trace for each invocation and passes its traceparent along. Running the
 * invocation's work inside that context makes every SIEM request a child of it, so Application Insights shows
 * the invocation and its SIEM calls as one operation. With telemetry off the OpenTelemetry API is a no-op.
 */
import type { TraceContext } from '@azure/functions';
import { context, propagation } from '@opentelemetry/api';

export function withInvocationTrace<T>(traceContext: TraceContext | undefined, work: () => T): T {
  if (!traceContext?.traceParent) return work();
  const carrier: Record<string, string> = { traceparent: traceContext.traceParent };
  if (traceContext.traceState) carrier.tracestate = traceContext.traceState;
  return context.with(propagation.extract(context.active(), carrier), work);
}
