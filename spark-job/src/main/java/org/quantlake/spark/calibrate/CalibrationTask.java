package org.quantlake.spark.calibrate;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.quantlake.core.ptq.CalibrationState;
import org.quantlake.core.kernels.KernelProvider;
import org.quantlake.core.ptq.Calibrator;
import org.quantlake.spark.config.CalibrationSpec;
import org.quantlake.spark.exec.ExecutorModels;
import org.quantlake.spark.exec.FixedBatch;
import org.quantlake.spark.exec.TaskHook;
import org.quantlake.spark.input.Decoded;
import org.quantlake.spark.input.RowDecoder;
import org.quantlake.spark.input.RowSampler;
import org.quantlake.spark.progress.StageCounters;
import org.quantlake.spark.progress.StageProgress;
import org.quantlake.spark.rejects.RejectRecord;

/**
 * One calibration task: observes its partition's sampled rows in fixed-size batches and emits its rejected rows
 * (pass 1 only; pass 2 sees the same rows) and then one {@link CalibrationTally}. An empty partition emits an empty
 * state, the identity of the merge. Output is streamed, so a partition of bad rows never sits in memory.
 */
final class CalibrationTask implements FlatMapFunction<Iterator<Row>, CalibrationRecord> {
    private final String stage;
    private final Broadcast<byte[]> model;
    private final String modelSha;
    private final CalibrationSpec spec;
    /** The merged pass-1 state, for pass 2 (null in pass 1). */
    private final Broadcast<byte[]> ranges;
    private final RowDecoder decoder;
    private final int sampleSize;
    private final StageCounters counters;
    private final TaskHook hook;

    CalibrationTask(String stage, Broadcast<byte[]> model, String modelSha, CalibrationSpec spec,
                    Broadcast<byte[]> ranges, RowDecoder decoder, int sampleSize, StageProgress progress, TaskHook hook) {
        this.stage = stage;
        this.model = model;
        this.modelSha = modelSha;
        this.spec = spec;
        this.ranges = ranges;
        this.decoder = decoder;
        this.sampleSize = sampleSize;
        this.counters = new StageCounters(progress);
        this.hook = hook;
    }

    @Override
    public Iterator<CalibrationRecord> call(Iterator<Row> rows) throws Exception {
        hook.onTaskStart(stage);
        Calibrator calibrator = ExecutorModels.calibrator(model, modelSha, spec);
        CalibrationState state = ranges == null ? calibrator.newRangeState()
                : calibrator.newSecondPassState(CalibrationState.fromBytes(ranges.value()));
        return new Records(rows, calibrator, state);
    }

    /** Streams rejects while observing, then the tally. */
    private final class Records implements Iterator<CalibrationRecord> {
        private final Iterator<Row> rows;
        private final Calibrator calibrator;
        private final CalibrationState state;
        private final RowSampler sampler = new RowSampler(spec.fraction(), spec.seed());
        private final FixedBatch batch;
        private final CalibrationTally tally = new CalibrationTally(null);
        private CalibrationRecord next;
        private boolean done;

        Records(Iterator<Row> rows, Calibrator calibrator, CalibrationState state) {
            this.rows = rows;
            this.calibrator = calibrator;
            this.state = state;
            this.batch = new FixedBatch(spec.batchSize(), sampleSize);
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) next = advance();
            return next != null;
        }

        @Override
        public CalibrationRecord next() {
            if (!hasNext()) throw new NoSuchElementException();
            CalibrationRecord r = next;
            next = null;
            return r;
        }

        private CalibrationRecord advance() {
            while (rows.hasNext()) {
                Row row = rows.next();
                tally.read++;
                counters.rows.add(1);
                if (!sampler.keepsAll() && !sampler.keep(decoder.keyHash(row, sampler))) {
                    tally.sampledOut++;
                    continue;
                }
                Decoded d = decoder.decode(row);
                if (d.rejection() != null) {
                    tally.rejected++;
                    tally.reasons.merge(d.rejection().reason().code(), 1L, Long::sum);
                    counters.rejected.add(1);
                    if (ranges == null) {
                        return CalibrationRecord.of(new RejectRecord("calibrate", d.rejection(), decoder.id(row),
                                decoder.source(row), decoder.partitionValues(row)));
                    }
                    continue;
                }
                if (batch.add(d.tensor())) observe();
            }
            if (!batch.isEmpty()) observe();
            if (tally.batches > 0) tally.kernels.add(KernelProvider.floatKernels().name());
            done = true;
            tally.state = state.toBytes();
            return CalibrationRecord.of(tally);
        }

        private void observe() {
            calibrator.observe(state, batch.padded(), batch.capacity(), batch.size());
            tally.batches++;
            counters.batches.add(1);
            batch.clear();
        }
    }
}
