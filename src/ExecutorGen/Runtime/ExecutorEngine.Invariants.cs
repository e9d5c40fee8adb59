using System.Diagnostics;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    private abstract partial class LaneScheduler
    {
        // The full walk is linear in the queue and the lanes; above this size only the constant-time checks run, so
        // Debug tests of large queues stay fast. The stress and model tests keep their queues below it.
        private const int InvariantWalkLimit = 512;

        /// <summary>Checks the invariants stated on <see cref="LaneScheduler"/> (Debug builds, allocation-free).</summary>
        protected override void AssertStateLocked()
        {
            Debug.Assert((_queued == 0) == (_oldest is null) && (_oldest is null) == (_newest is null),
                "the all-queued list is empty exactly when nothing is queued");
            if (_queued > InvariantWalkLimit || _lanes.Count > InvariantWalkLimit)
                return;

            int queued = 0, withoutLane = 0;
            QueuedRequest? previous = null;
            for (var request = _oldest; request is not null; request = request.Newer)
            {
                Debug.Assert(request.State == RequestState.Queued, "the all-queued list holds queued requests only");
                Debug.Assert(request.Older == previous, "the all-queued list is linked both ways");
                Debug.Assert(request.Lane is null || request.Lane.Head is not null, "a queued request's lane holds it");
                queued++;
                if (request.Lane is null)
                    withoutLane++;
                previous = request;
            }
            Debug.Assert(previous == _newest, "the all-queued list ends at the newest request");
            Debug.Assert(queued == _queued, "_queued counts the queued requests");

            int inLanes = 0;
            foreach (var lane in _lanes.Values)
                inLanes += AssertLaneInvariants(lane);
            if (_nullKeyLane is not null)
                inLanes += AssertLaneInvariants(_nullKeyLane);
            Debug.Assert(inLanes + withoutLane == _queued, "every queued request is in its lane, or has none");
        }

        private static int AssertLaneInvariants(Lane lane)
        {
            int count = 0;
            for (var request = lane.Head; request is not null; request = request.NextInLane)
            {
                Debug.Assert(request.Lane == lane && request.State == RequestState.Queued, "a lane holds queued requests of its own");
                Debug.Assert(request.NextInLane is not null || request == lane.Tail, "a lane ends at its tail");
                count++;
            }
            Debug.Assert(count == lane.Count, "a lane counts its requests");
            Debug.Assert(lane.Head is not null || lane.State != LaneState.Idle || lane.Paused, "an idle lane with nothing queued is released");
            return count;
        }
    }
}
