;; The candidate scan of a Gram row (gramScan.ts): appends every column c in [from, to) whose
;;   d² = (nq + norms[c]) − 2·row[c]
;; is at most `cut` to the lists at `index` (i32 columns) and `squared` (f64 d²) from position `count`, in
;; ascending column order, and returns the new count. It may write up to 3 entries past the new count (the
;; caller leaves room). The arithmetic is the JS loop's, in doubles and in the same order (the float32 Gram
;; entry promoted exactly, the sum before the difference), so the candidates and their d² are the same bits;
;; NaN never compares ≤ cut. Four columns per step with 128-bit SIMD, then one at a time for the rest.
;; Addresses are byte offsets into the exported memory, which the caller lays out.
;; Built into gramScanKernel.ts by `npm run build:wasm`.
(module
  (memory (export "memory") 1)
  (func (export "scan")
    (param $row i32) (param $norms i32) (param $from i32) (param $to i32)
    (param $nq f64) (param $cut f64) (param $index i32) (param $squared i32) (param $count i32)
    (result i32)
    (local $c i32) (local $end4 i32) (local $at i32) (local $mask i32) (local $v f64)
    (local $nq2 v128) (local $cut2 v128) (local $two v128) (local $g v128) (local $v0 v128) (local $v1 v128)
    (local.set $nq2 (f64x2.splat (local.get $nq)))
    (local.set $cut2 (f64x2.splat (local.get $cut)))
    (local.set $two (f64x2.splat (f64.const 2)))
    (local.set $c (local.get $from))
    ;; The last column a step of four can start at: from + (to − from rounded down to a multiple of 4).
    (local.set $end4
      (i32.add (local.get $from) (i32.and (i32.sub (local.get $to) (local.get $from)) (i32.const -4))))
    (block $fours
      (loop $four
        (br_if $fours (i32.ge_s (local.get $c) (local.get $end4)))
        (local.set $g (v128.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))
        (local.set $at (i32.add (local.get $norms) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $v0
          (f64x2.sub
            (f64x2.add (local.get $nq2) (v128.load (local.get $at)))
            (f64x2.mul (local.get $two) (f64x2.promote_low_f32x4 (local.get $g)))))
        (local.set $v1
          (f64x2.sub
            (f64x2.add (local.get $nq2) (v128.load offset=16 (local.get $at)))
            (f64x2.mul (local.get $two)
              (f64x2.promote_low_f32x4
                (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $g) (local.get $g))))))
        (local.set $mask
          (i32.or
            (i64x2.bitmask (f64x2.le (local.get $v0) (local.get $cut2)))
            (i32.shl (i64x2.bitmask (f64x2.le (local.get $v1) (local.get $cut2))) (i32.const 2))))
        ;; Each lane is written at the list's end and kept by counting it only when it passed: no branch per lane
        ;; (candidates come irregularly where labels mix), at most 3 writes past the final count.
        (if (local.get $mask)
          (then
            (i32.store (i32.add (local.get $index) (i32.shl (local.get $count) (i32.const 2)))
              (i32.add (local.get $c) (i32.const 0)))
            (f64.store (i32.add (local.get $squared) (i32.shl (local.get $count) (i32.const 3)))
              (f64x2.extract_lane 0 (local.get $v0)))
            (local.set $count
              (i32.add (local.get $count) (i32.and (i32.shr_u (local.get $mask) (i32.const 0)) (i32.const 1))))
            (i32.store (i32.add (local.get $index) (i32.shl (local.get $count) (i32.const 2)))
              (i32.add (local.get $c) (i32.const 1)))
            (f64.store (i32.add (local.get $squared) (i32.shl (local.get $count) (i32.const 3)))
              (f64x2.extract_lane 1 (local.get $v0)))
            (local.set $count
              (i32.add (local.get $count) (i32.and (i32.shr_u (local.get $mask) (i32.const 1)) (i32.const 1))))
            (i32.store (i32.add (local.get $index) (i32.shl (local.get $count) (i32.const 2)))
              (i32.add (local.get $c) (i32.const 2)))
            (f64.store (i32.add (local.get $squared) (i32.shl (local.get $count) (i32.const 3)))
              (f64x2.extract_lane 0 (local.get $v1)))
            (local.set $count
              (i32.add (local.get $count) (i32.and (i32.shr_u (local.get $mask) (i32.const 2)) (i32.const 1))))
            (i32.store (i32.add (local.get $index) (i32.shl (local.get $count) (i32.const 2)))
              (i32.add (local.get $c) (i32.const 3)))
            (f64.store (i32.add (local.get $squared) (i32.shl (local.get $count) (i32.const 3)))
              (f64x2.extract_lane 1 (local.get $v1)))
            (local.set $count
              (i32.add (local.get $count) (i32.and (i32.shr_u (local.get $mask) (i32.const 3)) (i32.const 1))))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $four)))
    (block $ones
      (loop $one
        (br_if $ones (i32.ge_s (local.get $c) (local.get $to)))
        (local.set $v
          (f64.sub
            (f64.add (local.get $nq) (f64.load (i32.add (local.get $norms) (i32.shl (local.get $c) (i32.const 3)))))
            (f64.mul (f64.const 2)
              (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2))))))))
        (if (f64.le (local.get $v) (local.get $cut))
          (then
            (i32.store (i32.add (local.get $index) (i32.shl (local.get $count) (i32.const 2))) (local.get $c))
            (f64.store (i32.add (local.get $squared) (i32.shl (local.get $count) (i32.const 3))) (local.get $v))
            (local.set $count (i32.add (local.get $count) (i32.const 1)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $one)))
    (local.get $count)))
