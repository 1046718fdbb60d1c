#!/usr/bin/env python3
"""Writes quant-core's golden file of PyTorch qparams (scale bits, zero point) for random and edge-case ranges.

Reference only: the product never runs Python. Re-run after changing the case list:
    python scripts/reference/torch_qparams_golden.py > quant-core/src/test/resources/golden/torch_qparams.csv
"""
import random
import warnings
import struct
import sys

import torch
from torch.ao.quantization.observer import MinMaxObserver


def bits(f):
    return format(struct.unpack(">I", struct.pack(">f", f))[0], "08x")


def f32(x):
    return struct.unpack(">f", struct.pack(">f", x))[0]


def cases(rng):
    edge = [(0.0, 0.0), (1e-30, 1e-30), (5.0, 5.0), (-5.0, -5.0), (-1.0, 3.0), (2.0, 6.0), (-6.0, -2.0),
            (-1e-7, 1e-7), (-123.456, 0.001), (0.0, 255.0), (-128.0, 127.0), (-3e5, 7e5)]
    for lo, hi in edge:
        yield f32(lo), f32(hi)
    for _ in range(150):
        a = f32(rng.gauss(0, 1) * 10 ** rng.uniform(-6, 4))
        b = f32(rng.gauss(0, 1) * 10 ** rng.uniform(-6, 4))
        yield min(a, b), max(a, b)


def main():
    warnings.simplefilter("ignore")
    rng = random.Random(20261122)
    out = sys.stdout
    out.write("# PyTorch %s MinMaxObserver.calculate_qparams; floats as IEEE-754 hex bits\n" % torch.__version__)
    out.write("min,max,dtype,scheme,reduce_range,scale,zero_point\n")
    for lo, hi in cases(rng):
        for dtype, name in ((torch.quint8, "QUINT8"), (torch.qint8, "QINT8")):
            for scheme, sname in ((torch.per_tensor_affine, "affine"), (torch.per_tensor_symmetric, "symmetric")):
                for reduce in (False, True):
                    if reduce and dtype == torch.quint8 and scheme == torch.per_tensor_symmetric:
                        continue  # PyTorch refuses this combination
                    obs = MinMaxObserver(dtype=dtype, qscheme=scheme, reduce_range=reduce)
                    obs(torch.tensor([lo, hi], dtype=torch.float32))
                    scale, zp = obs.calculate_qparams()
                    out.write("%s,%s,%s,%s,%s,%s,%d\n" % (bits(lo), bits(hi), name, sname, str(reduce).lower(),
                                                          bits(float(scale.item())), int(zp.item())))


if __name__ == "__main__":
    main()
