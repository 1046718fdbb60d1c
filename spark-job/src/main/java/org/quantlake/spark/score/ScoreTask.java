package org.quantlake.spark.score;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.quantlake.core.drift.DriftSummary;
import org.quantlake.core.drift.RowDrift;
import org.quantlake.core.drift.TopK;
import org.quantlake.core.engine.InferenceSession;
import org.quantlake.spark.exec.ExecutorModels;
import org.quantlake.spark.exec.FixedBatch;
import org.quantlake.spark.exec.TaskHook;
import org.quantlake.spark.input.Decoded;
import org.quantlake.spark.input.Rejection;
import org.quantlake.spark.input.RowDecoder;
import org.quantlake.spark.input.RowSampler;
import org.quantlake.spark.progress.StageCounters;
import org.quantlake.spark.rejects.RejectRecord;

/**
 * One scoring task: runs the int8 model on every valid row in fixed-size batches and, for the rows in the drift
 * sample, the float32 model too (also in fixed-size batches of those rows only, so a small drift fraction costs
 * little). Streams predictions, flipped rows and rejects as they are produced, then one tally per data partition.
 *
 * <p>A drift row's prediction waits until its float32 batch has run; before a float32 batch runs, the int8 batch is
 * always flushed, so every waiting row has its int8 output by then.
 */
final class ScoreTask implements FlatMapFunction<Iterator<Row>, ScoreRecord> {
    private final String stage;
    private final Broadcast<byte[]> int8Model;
    private final String int8Sha;
    /** Null when drift is off. */
    private final Broadcast<byte[]> floatModel;
    private final String floatSha;
    private final RowDecoder decoder;
    private final int sampleSize;
    private final int classes;
    private final int batchSize;
    private final int topK;
    /** Null when drift is off. */
    private final RowSampler driftSampler;
    private final OutputRows rows;
    private final StageCounters counters;
    private final TaskHook hook;

    ScoreTask(String stage, Broadcast<byte[]> int8Model, String int8Sha, Broadcast<byte[]> floatModel, String floatSha,
              RowDecoder decoder, int sampleSize, int classes, int batchSize, int topK, RowSampler driftSampler,
              OutputRows rows, StageCounters counters, TaskHook hook) {
        this.stage = stage;
        this.int8Model = int8Model;
        this.int8Sha = int8Sha;
        this.floatModel = floatModel;
        this.floatSha = floatSha;
        this.decoder = decoder;
        this.sampleSize = sampleSize;
        this.classes = classes;
        this.batchSize = batchSize;
        this.topK = topK;
        this.driftSampler = driftSampler;
        this.rows = rows;
        this.counters = counters;
        this.hook = hook;
    }

    @Override
    public Iterator<ScoreRecord> call(Iterator<Row> input) throws Exception {
        hook.onTaskStart(stage);
        InferenceSession int8 = ExecutorModels.int8Engine(int8Model, int8Sha).newSession();
        InferenceSession fp32 = floatModel == null ? null : ExecutorModels.floatEngine(floatModel, floatSha).newSession();
        return new Records(input, int8, fp32);
    }

    /** A valid row waiting in a batch. */
    private static final class Pending {
        final Object id;
        final Object[] partition;
        final Long label;
        final PartitionTally tally;
        final boolean drift;
        float[] int8Out;

        Pending(Object id, Object[] partition, Long label, PartitionTally tally, boolean drift) {
            this.id = id;
            this.partition = partition;
            this.label = label;
            this.tally = tally;
            this.drift = drift;
        }
    }

    private final class Records implements Iterator<ScoreRecord> {
        private final Iterator<Row> input;
        private final InferenceSession int8;
        private final InferenceSession fp32;
        private final FixedBatch int8Batch;
        private final List<Pending> int8Rows = new ArrayList<>();
        private final FixedBatch fp32Batch;
        private final List<Pending> fp32Rows = new ArrayList<>();
        private final Map<List<Object>, PartitionTally> tallies = new LinkedHashMap<>();
        private final Map<PartitionTally, DriftSummary> drift = new LinkedHashMap<>();
        private final ArrayDeque<ScoreRecord> out = new ArrayDeque<>();
        private boolean finished;

        Records(Iterator<Row> input, InferenceSession int8, InferenceSession fp32) {
            this.input = input;
            this.int8 = int8;
            this.fp32 = fp32;
            this.int8Batch = new FixedBatch(batchSize, sampleSize);
            this.fp32Batch = fp32 == null ? null : new FixedBatch(batchSize, sampleSize);
        }

        @Override
        public boolean hasNext() {
            while (out.isEmpty() && !finished) step();
            return !out.isEmpty();
        }

        @Override
        public ScoreRecord next() {
            if (!hasNext()) throw new NoSuchElementException();
            return out.poll();
        }

        /** Consumes one input row, or finishes the partition. */
        private void step() {
            if (!input.hasNext()) {
                flushInt8();
                flushFp32();
                for (PartitionTally t : tallies.values()) {
                    DriftSummary d = drift.get(t);
                    if (d != null) t.drift = d.toBytes();
                    out.add(ScoreRecord.tally(t));
                }
                finished = true;
                return;
            }
            Row row = input.next();
            Object[] partition = decoder.partitionValues(row);
            PartitionTally tally = tallies.computeIfAbsent(Arrays.asList(partition), k -> new PartitionTally(partition));
            tally.read++;
            counters.rows.add(1);
            Decoded d = decoder.decode(row);
            Long label = decoder.label(row);
            Rejection rejection = d.rejection();
            if (rejection == null && label != null && (label < 0 || label >= classes)) {
                rejection = new Rejection(Rejection.Reason.BAD_LABEL, "label " + label + " is outside the model's "
                        + classes + " classes [0, " + (classes - 1) + "]");
            }
            if (rejection != null) {
                tally.rejected++;
                tally.reasons.merge(rejection.reason().code(), 1L, Long::sum);
                counters.rejected.add(1);
                out.add(ScoreRecord.reject(new RejectRecord("score", rejection, decoder.id(row), decoder.source(row), partition)));
                return;
            }
            boolean inDrift = fp32 != null && driftSampler.keep(decoder.keyHash(row, driftSampler));
            if (inDrift && fp32Batch.size() == fp32Batch.capacity()) {
                flushInt8();
                flushFp32();
            }
            Pending p = new Pending(decoder.id(row), partition, label, tally, inDrift);
            int8Rows.add(p);
            boolean int8Full = int8Batch.add(d.tensor());
            if (inDrift) {
                fp32Rows.add(p);
                fp32Batch.add(d.tensor());
            }
            if (int8Full) {
                flushInt8();
                if (fp32Batch != null && fp32Batch.size() == fp32Batch.capacity()) flushFp32();
            }
        }

        private void flushInt8() {
            if (int8Batch.isEmpty()) return;
            float[] o = int8.run(int8Batch.padded(), batchSize);
            counters.batches.add(1);
            for (int i = 0; i < int8Rows.size(); i++) {
                Pending p = int8Rows.get(i);
                float[] row = Arrays.copyOfRange(o, i * classes, (i + 1) * classes);
                p.tally.scored++;
                if (p.label != null) {
                    p.tally.labelled++;
                    if (TopK.argmax(row, 0, classes) == p.label) p.tally.correctInt8++;
                }
                if (p.drift) p.int8Out = row;
                else emitPrediction(p, row);
            }
            int8Rows.clear();
            int8Batch.clear();
        }

        private void flushFp32() {
            if (fp32Batch == null || fp32Batch.isEmpty()) return;
            float[] o = fp32.run(fp32Batch.padded(), batchSize);
            counters.batches.add(1);
            for (int i = 0; i < fp32Rows.size(); i++) {
                Pending p = fp32Rows.get(i);
                RowDrift rd = RowDrift.of(o, i * classes, p.int8Out, 0, classes);
                drift.computeIfAbsent(p.tally, t -> new DriftSummary()).add(rd, p.label == null ? -1 : p.label.intValue());
                if (!rd.agree()) {
                    p.tally.flipped++;
                    out.add(ScoreRecord.flip(rows.flip(p.id, p.partition, p.label, rd.top1Fp32(), rd.top1Int8())));
                }
                emitPrediction(p, p.int8Out);
            }
            fp32Rows.clear();
            fp32Batch.clear();
        }

        private void emitPrediction(Pending p, float[] scores) {
            int[] top = TopK.indices(scores, 0, classes, topK);
            float[] topScores = new float[top.length];
            for (int k = 0; k < top.length; k++) topScores[k] = scores[top[k]];
            out.add(ScoreRecord.prediction(rows.prediction(p.id, p.partition, p.label, top, topScores)));
        }
    }
}
