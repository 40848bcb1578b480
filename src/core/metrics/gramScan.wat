;; The candidate scan of a Gram row (gramScan.ts): appends every column c in [from, to) whose
;;   d² = (nq + norms[c]) − 2·row[c]
;; is at most `cut` to the lists at `index` (i32 columns) and `squared` (f64 d²) from position `count`, in
;; ascending column order, and returns the new count. It may write up to 3 entries past the new count (the
;; caller leaves room). The arithmetic is the JS loop's, in doubles and in the same order (the float32 Gram
;; entry promoted exactly, the sum before the difference), so the candidates and their d² are the same bits;
;; NaN never compares ≤ cut. Four columns per step with 128-bit SIMD, then one at a time for the rest.
;; Addresses are byte offsets into the exported memory, which the caller lays out.
;;
;; `rank` then scores the row from those lists: RetrievalRanking.rankGramCandidates (retrieval.ts) step for step, on
;; the same numbers in the same order (distances rounded to float32, a bucket count of the other labels' candidates,
;; the rank of each of the label's candidates, and the sums of P@1, R-precision and MAP@R), so its scores are the
;; JS method's bits; retrieval tests rank every row both ways.
;; Built into gramScanKernel.ts by `npm run build:wasm`.
(module
  (memory (export "memory") 1)
  ;; Where `rank` finds its arrays (byte offsets), set once by `layout`: each list's columns (i32) and d² (f64), each
  ;; list's float32 distances, the bucket members and ends, the groups, and the item of each column (i32).
  (global $index0 (mut i32) (i32.const 0))
  (global $squared0 (mut i32) (i32.const 0))
  (global $index1 (mut i32) (i32.const 0))
  (global $squared1 (mut i32) (i32.const 0))
  (global $values0 (mut i32) (i32.const 0))
  (global $values1 (mut i32) (i32.const 0))
  (global $members (mut i32) (i32.const 0))
  (global $ends (mut i32) (i32.const 0))
  (global $groups (mut i32) (i32.const 0))
  (global $original (mut i32) (i32.const 0))
  (func (export "layout")
    (param $index0 i32) (param $squared0 i32) (param $index1 i32) (param $squared1 i32) (param $values0 i32)
    (param $values1 i32) (param $members i32) (param $ends i32) (param $groups i32) (param $original i32)
    (global.set $index0 (local.get $index0))
    (global.set $squared0 (local.get $squared0))
    (global.set $index1 (local.get $index1))
    (global.set $squared1 (local.get $squared1))
    (global.set $values0 (local.get $values0))
    (global.set $values1 (local.get $values1))
    (global.set $members (local.get $members))
    (global.set $ends (local.get $ends))
    (global.set $groups (local.get $groups))
    (global.set $original (local.get $original)))
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
    (local.get $count))
  ;; The item of column c: original[c] with an order, else c.
  (func $item (param $c i32) (param $withOriginal i32) (result i32)
    (if (result i32) (local.get $withOriginal)
      (then (i32.load (i32.add (global.get $original) (i32.shl (local.get $c) (i32.const 2)))))
      (else (local.get $c))))

  ;; Scores a row from `others` candidates of other labels (list 0) and `own` of the query's label (list 1), or
  ;; returns 0 when fewer than `depth` of them lie strictly below the cut's distance. On 1 it writes at `out`: the
  ;; MAP@R sum (f64), the relevant count within R (i32) and the first relevant rank (i32, −1 for none).
  (func (export "rank")
    (param $r i32) (param $depth i32) (param $others i32) (param $own i32) (param $cut f64) (param $mode i32)
    (param $eps f64) (param $withOriginal i32) (param $out i32) (result i32)
    (local $t i32) (local $v f32) (local $u f32) (local $boundary f32) (local $below i32) (local $lowest f32)
    (local $highest f32) (local $buckets i32) (local $low f64) (local $scale f64) (local $b i32) (local $i i32)
    (local $end i32) (local $ahead i32) (local $other i32) (local $at i32) (local $rank i32) (local $c i32)
    (local $relevant i32) (local $sum f64) (local $first i32) (local $d f64)
    (local.set $boundary
      (f32.demote_f64
        (select (f64.max (local.get $cut) (f64.const 0)) (f64.sqrt (f64.max (local.get $cut) (local.get $eps)))
          (local.get $mode))))
    (local.set $lowest (f32.const inf))
    (local.set $highest (f32.const -inf))
    ;; The other labels' distances, how many lie below the cut's distance, and their range.
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $t) (local.get $others)))
        (local.set $d (f64.load (i32.add (global.get $squared0) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $v
          (f32.demote_f64
            (select (f64.max (local.get $d) (f64.const 0)) (f64.sqrt (f64.max (local.get $d) (local.get $eps)))
              (local.get $mode))))
        (local.set $below (i32.add (local.get $below) (f32.lt (local.get $v) (local.get $boundary))))
        (if (f32.lt (local.get $v) (local.get $lowest)) (then (local.set $lowest (local.get $v))))
        (if (f32.gt (local.get $v) (local.get $highest)) (then (local.set $highest (local.get $v))))
        (f32.store (i32.add (global.get $values0) (i32.shl (local.get $t) (i32.const 2))) (local.get $v))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $next)))
    ;; The label's own distances.
    (local.set $t (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $t) (local.get $own)))
        (local.set $d (f64.load (i32.add (global.get $squared1) (i32.shl (local.get $t) (i32.const 3)))))
        (local.set $v
          (f32.demote_f64
            (select (f64.max (local.get $d) (f64.const 0)) (f64.sqrt (f64.max (local.get $d) (local.get $eps)))
              (local.get $mode))))
        (local.set $below (i32.add (local.get $below) (f32.lt (local.get $v) (local.get $boundary))))
        (f32.store (i32.add (global.get $values1) (i32.shl (local.get $t) (i32.const 2))) (local.get $v))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $next)))
    (if (i32.lt_s (local.get $below) (local.get $depth)) (then (return (i32.const 0))))
    ;; The other labels' candidates counted into min(4096, 2·others) buckets by distance; ends[b] is then the end of
    ;; bucket b, and inside a bucket the candidates keep their list order.
    (if (i32.gt_s (local.get $others) (i32.const 0))
      (then
        (local.set $buckets (i32.shl (local.get $others) (i32.const 1)))
        (if (i32.gt_s (local.get $buckets) (i32.const 4096)) (then (local.set $buckets (i32.const 4096))))
        (local.set $low (f64.promote_f32 (local.get $lowest)))
        (if (f32.gt (local.get $highest) (local.get $lowest))
          (then
            (local.set $scale
              (f64.div (f64.convert_i32_s (local.get $buckets))
                (f64.sub (f64.promote_f32 (local.get $highest)) (local.get $low))))))
        (memory.fill (global.get $ends) (i32.const 0) (i32.shl (i32.add (local.get $buckets) (i32.const 1)) (i32.const 2)))
        (local.set $t (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_s (local.get $t) (local.get $others)))
            (local.set $b
              (i32.trunc_sat_f64_s
                (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (global.get $values0) (i32.shl (local.get $t) (i32.const 2))))) (local.get $low)) (local.get $scale))))
            (if (i32.ge_s (local.get $b) (local.get $buckets)) (then (local.set $b (i32.sub (local.get $buckets) (i32.const 1)))))
            (local.set $at (i32.add (global.get $ends) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 2))))
            (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $next)))
        (local.set $b (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_s (local.get $b) (local.get $buckets)))
            (local.set $at (i32.add (global.get $ends) (i32.shl (local.get $b) (i32.const 2))))
            (i32.store offset=4 (local.get $at)
              (i32.add (i32.load offset=4 (local.get $at)) (i32.load (local.get $at))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $next)))
        (local.set $t (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_s (local.get $t) (local.get $others)))
            (local.set $b
              (i32.trunc_sat_f64_s
                (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (global.get $values0) (i32.shl (local.get $t) (i32.const 2))))) (local.get $low)) (local.get $scale))))
            (if (i32.ge_s (local.get $b) (local.get $buckets)) (then (local.set $b (i32.sub (local.get $buckets) (i32.const 1)))))
            (local.set $at (i32.add (global.get $ends) (i32.shl (local.get $b) (i32.const 2))))
            (i32.store (i32.add (global.get $members) (i32.shl (i32.load (local.get $at)) (i32.const 2))) (local.get $t))
            (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $next)))))
    ;; groups[a]: how many of the label's candidates have a candidates of other labels ahead of them.
    (memory.fill (global.get $groups) (i32.const 0) (i32.shl (i32.add (local.get $others) (i32.const 1)) (i32.const 2)))
    (local.set $t (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $t) (local.get $own)))
        (local.set $v (f32.load (i32.add (global.get $values1) (i32.shl (local.get $t) (i32.const 2)))))
        (if (i32.eqz (f32.ge (local.get $v) (local.get $lowest)))
          (then (local.set $ahead (i32.const 0)))
          (else
            (if (f32.gt (local.get $v) (local.get $highest))
              (then (local.set $ahead (local.get $others)))
              (else
                ;; Earlier buckets are all nearer; inside v's bucket each candidate is compared, ties by item.
                (local.set $b
                  (i32.trunc_sat_f64_s
                    (f64.mul (f64.sub (f64.promote_f32 (local.get $v)) (local.get $low)) (local.get $scale))))
                (if (i32.ge_s (local.get $b) (local.get $buckets)) (then (local.set $b (i32.sub (local.get $buckets) (i32.const 1)))))
                (local.set $i
                  (if (result i32) (i32.gt_s (local.get $b) (i32.const 0))
                    (then (i32.load (i32.add (global.get $ends) (i32.shl (i32.sub (local.get $b) (i32.const 1)) (i32.const 2)))))
                    (else (i32.const 0))))
                (local.set $end (i32.load (i32.add (global.get $ends) (i32.shl (local.get $b) (i32.const 2)))))
                (local.set $ahead (local.get $i))
                (block $compared
                  (loop $compare
                    (br_if $compared (i32.ge_s (local.get $i) (local.get $end)))
                    (local.set $other (i32.load (i32.add (global.get $members) (i32.shl (local.get $i) (i32.const 2)))))
                    (local.set $u (f32.load (i32.add (global.get $values0) (i32.shl (local.get $other) (i32.const 2)))))
                    ;; Nearer, or as near with a lower item: counted without a branch (ties are rare, the order is not).
                    (local.set $ahead
                      (i32.add (local.get $ahead)
                        (i32.or (f32.lt (local.get $u) (local.get $v))
                          (i32.and (f32.eq (local.get $u) (local.get $v))
                            (i32.lt_s
                              (call $item
                                (i32.load (i32.add (global.get $index0) (i32.shl (local.get $other) (i32.const 2))))
                                (local.get $withOriginal))
                              (call $item
                                (i32.load (i32.add (global.get $index1) (i32.shl (local.get $t) (i32.const 2))))
                                (local.get $withOriginal)))))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $compare)))))))
        (local.set $at (i32.add (global.get $groups) (i32.shl (local.get $ahead) (i32.const 2))))
        (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $next)))
    ;; The ranks in order: group c's candidates rank consecutively, then the c-th candidate of another label.
    (local.set $first (i32.const -1))
    (local.set $c (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $rank) (local.get $depth)))
        (local.set $end
          (i32.add (local.get $rank) (i32.load (i32.add (global.get $groups) (i32.shl (local.get $c) (i32.const 2))))))
        (if (i32.gt_s (local.get $end) (local.get $depth)) (then (local.set $end (local.get $depth))))
        (block $ranked
          (loop $group
            (br_if $ranked (i32.ge_s (local.get $rank) (local.get $end)))
            (if (i32.lt_s (local.get $rank) (local.get $r))
              (then
                (local.set $relevant (i32.add (local.get $relevant) (i32.const 1)))
                (local.set $sum
                  (f64.add (local.get $sum)
                    (f64.div (f64.convert_i32_s (local.get $relevant))
                      (f64.convert_i32_s (i32.add (local.get $rank) (i32.const 1))))))))
            (if (i32.lt_s (local.get $first) (i32.const 0)) (then (local.set $first (local.get $rank))))
            (local.set $rank (i32.add (local.get $rank) (i32.const 1)))
            (br $group)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (local.set $rank (i32.add (local.get $rank) (i32.const 1)))
        (br $next)))
    (f64.store (local.get $out) (local.get $sum))
    (i32.store offset=8 (local.get $out) (local.get $relevant))
    (i32.store offset=12 (local.get $out) (local.get $first))
    (i32.const 1)))
