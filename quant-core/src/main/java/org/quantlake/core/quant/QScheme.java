package org.quantlake.core.quant;

/**
 * How qparams are laid out and constrained.
 * <ul>
 *   <li>affine: any zero point, the range [min, max] (widened to include 0) maps onto [qmin, qmax];</li>
 *   <li>symmetric: the range is [-absmax, absmax] and the zero point is fixed: 0 for signed types,
 *       (qmin + qmax + 1) / 2 for QUINT8 (128, or 64 with reduce range), as PyTorch does;</li>
 *   <li>per tensor: one (scale, zero point); per channel: one pair per slice along an axis.</li>
 * </ul>
 */
public enum QScheme {
    PER_TENSOR_AFFINE(false, false),
    PER_TENSOR_SYMMETRIC(true, false),
    PER_CHANNEL_AFFINE(false, true),
    PER_CHANNEL_SYMMETRIC(true, true);

    private final boolean symmetric;
    private final boolean perChannel;

    QScheme(boolean symmetric, boolean perChannel) {
        this.symmetric = symmetric;
        this.perChannel = perChannel;
    }

    public boolean isSymmetric() { return symmetric; }

    public boolean isPerChannel() { return perChannel; }
}
