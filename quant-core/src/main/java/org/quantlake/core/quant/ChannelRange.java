package org.quantlake.core.quant;

import java.util.Arrays;

/**
 * A chosen real-valued range per channel (one channel for per-tensor): what an observer or a range search
 * hands to {@link QParamsCalculator}. Immutable.
 */
public final class ChannelRange {
    private final float[] mins;
    private final float[] maxs;

    private ChannelRange(float[] mins, float[] maxs) {
        if (mins.length != maxs.length || mins.length == 0) {
            throw new IllegalArgumentException("need the same non-zero number of mins and maxs");
        }
        this.mins = mins;
        this.maxs = maxs;
    }

    public static ChannelRange perTensor(float min, float max) {
        return new ChannelRange(new float[] {min}, new float[] {max});
    }

    public static ChannelRange perChannel(float[] mins, float[] maxs) {
        return new ChannelRange(mins.clone(), maxs.clone());
    }

    public int channels() { return mins.length; }

    public float min(int c) { return mins[c]; }

    public float max(int c) { return maxs[c]; }

    public float[] mins() { return mins.clone(); }

    public float[] maxs() { return maxs.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelRange r && Arrays.equals(mins, r.mins) && Arrays.equals(maxs, r.maxs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mins) + Arrays.hashCode(maxs);
    }

    @Override
    public String toString() {
        return mins.length == 1 ? "[" + mins[0] + ", " + maxs[0] + "]" : "per-channel" + Arrays.toString(mins) + ".." + Arrays.toString(maxs);
    }
}
