/-!
nleanjit's prelude, part 8: lemmas for `simp`, `rw` and the tactics.

Our own proofs of lemmas with the names and statements of Lean 4's `Init` (`Init/SimpLemmas.lean`,
`Init/Core.lean`, `Init/Data/Nat/Basic.lean`, `Init/Data/List/Basic.lean`, …), the ones small
proofs use most. `@[simp]` marks those Lean's default simp set contains. The tactics rely on
`eq_true`, `eq_false`, `of_eq_true`, `of_eq_false`, `eq_self`, `if_pos` and `if_neg`. Proofs
go through our kernel like any declaration (recursion on `Nat`/`List`, or `Nat.rec` directly).
-/
universe u v w

theorem Iff.symm {a b : Prop} (h : a ↔ b) : b ↔ a := ⟨h.mpr, h.mp⟩
theorem eq_true {p : Prop} (h : p) : p = True := propext ⟨fun _ => trivial, fun _ => h⟩
theorem eq_false {p : Prop} (h : ¬p) : p = False := propext ⟨fun h' => absurd h' h, fun h' => False.elim h'⟩
theorem of_eq_true {p : Prop} (h : p = True) : p := Eq.mpr h trivial
theorem of_eq_false {p : Prop} (h : p = False) : ¬p := fun hp => Eq.mp h hp
theorem eq_self {α : Sort u} (a : α) : (a = a) = True := eq_true rfl
theorem if_pos {c : Prop} {h : Decidable c} (hc : c) {α : Sort u} {t e : α} : (ite c t e) = t :=
  match h with
  | isTrue _ => rfl
  | isFalse hnc => absurd hc hnc
theorem if_neg {c : Prop} {h : Decidable c} (hnc : ¬c) {α : Sort u} {t e : α} : (ite c t e) = e :=
  match h with
  | isTrue hc => absurd hc hnc
  | isFalse _ => rfl
@[simp] theorem and_true (p : Prop) : (p ∧ True) = p := propext ⟨fun h => h.1, fun h => ⟨h, trivial⟩⟩
@[simp] theorem true_and (p : Prop) : (True ∧ p) = p := propext ⟨fun h => h.2, fun h => ⟨trivial, h⟩⟩
@[simp] theorem and_false (p : Prop) : (p ∧ False) = False := propext ⟨fun h => h.2, fun h => False.elim h⟩
@[simp] theorem false_and (p : Prop) : (False ∧ p) = False := propext ⟨fun h => h.1, fun h => False.elim h⟩
@[simp] theorem or_true (p : Prop) : (p ∨ True) = True := propext ⟨fun _ => trivial, fun _ => Or.inr trivial⟩
@[simp] theorem true_or (p : Prop) : (True ∨ p) = True := propext ⟨fun _ => trivial, fun _ => Or.inl trivial⟩
@[simp] theorem or_false (p : Prop) : (p ∨ False) = p := propext ⟨fun h => Or.casesOn (motive := fun _ => p) h (fun a => a) (fun b => False.elim b), Or.inl⟩
@[simp] theorem false_or (p : Prop) : (False ∨ p) = p := propext ⟨fun h => Or.casesOn (motive := fun _ => p) h (fun a => False.elim a) (fun b => b), Or.inr⟩
@[simp] theorem not_true_eq_false : (¬True) = False := eq_false (fun h => h trivial)
@[simp] theorem not_false_eq_true : (¬False) = True := eq_true (fun h => h)
@[simp] theorem ne_eq {α : Sort u} (a b : α) : (a ≠ b) = ¬(a = b) := rfl
@[simp] theorem iff_self (p : Prop) : (p ↔ p) = True := eq_true (Iff.refl p)
@[simp] theorem and_self (p : Prop) : (p ∧ p) = p := propext ⟨fun h => h.1, fun h => ⟨h, h⟩⟩
@[simp] theorem or_self (p : Prop) : (p ∨ p) = p := propext ⟨fun h => Or.casesOn (motive := fun _ => p) h (fun a => a) (fun b => b), Or.inl⟩
theorem decide_eq_true {p : Prop} [inst : Decidable p] : p → decide p = true :=
  match inst with
  | isTrue _ => fun _ => rfl
  | isFalse h => fun hp => absurd hp h
@[simp] theorem decide_eq_true_eq {p : Prop} [Decidable p] : (decide p = true) = p :=
  propext ⟨of_decide_eq_true, decide_eq_true⟩
@[simp] theorem Nat.add_zero (n : Nat) : n + 0 = n := rfl
@[simp] theorem Nat.zero_add : (n : Nat) → 0 + n = n
  | 0 => rfl
  | Nat.succ n => congrArg Nat.succ (Nat.zero_add n)
theorem Nat.add_succ (n m : Nat) : n + Nat.succ m = Nat.succ (n + m) := rfl
theorem Nat.succ_add : (n m : Nat) → Nat.succ n + m = Nat.succ (n + m)
  | _, 0 => rfl
  | n, Nat.succ m => congrArg Nat.succ (Nat.succ_add n m)
theorem Nat.add_one (n : Nat) : n + 1 = Nat.succ n := rfl
theorem Nat.succ_eq_add_one (n : Nat) : Nat.succ n = n + 1 := rfl
theorem Nat.add_comm : (n m : Nat) → n + m = m + n
  | n, 0 => Eq.symm (Nat.zero_add n)
  | n, Nat.succ m => Eq.trans (congrArg Nat.succ (Nat.add_comm n m)) (Eq.symm (Nat.succ_add m n))
theorem Nat.add_assoc : (n m k : Nat) → n + m + k = n + (m + k)
  | _, _, 0 => rfl
  | n, m, Nat.succ k => congrArg Nat.succ (Nat.add_assoc n m k)
@[simp] theorem Nat.mul_zero (n : Nat) : n * 0 = 0 := rfl
@[simp] theorem Nat.succ_ne_zero (n : Nat) : Nat.succ n ≠ 0 := fun h => Bool.false_ne_true (congrArg (fun k => Nat.beq k 0) h)
@[simp] theorem List.length_nil {α : Type u} : ([] : List α).length = 0 := rfl
@[simp] theorem List.length_cons {α : Type u} (a : α) (as : List α) : (a :: as).length = as.length + 1 := rfl
@[simp] theorem List.map_nil {α : Type u} {β : Type v} {f : α → β} : List.map f [] = [] := rfl
@[simp] theorem List.map_cons {α : Type u} {β : Type v} (f : α → β) (a : α) (l : List α) : List.map f (a :: l) = f a :: List.map f l := rfl
@[simp] theorem List.nil_append {α : Type u} (as : List α) : [] ++ as = as := rfl
@[simp] theorem List.cons_append {α : Type u} (a : α) (as bs : List α) : (a :: as) ++ bs = a :: (as ++ bs) := rfl
@[simp] theorem List.append_nil {α : Type u} : (as : List α) → as ++ [] = as
  | [] => rfl
  | a :: as => congrArg (List.cons a) (List.append_nil as)
@[simp] theorem Nat.zero_mul (n : Nat) : 0 * n = 0 :=
  Nat.rec (motive := fun n => 0 * n = 0) rfl (fun _ ih => ih) n
theorem Nat.succ_sub_succ_eq_sub (n m : Nat) : Nat.succ n - Nat.succ m = n - m :=
  Nat.rec (motive := fun m => Nat.succ n - Nat.succ m = n - m) rfl (fun _ ih => congrArg Nat.pred ih) m
theorem Nat.succ_sub_succ (n m : Nat) : Nat.succ n - Nat.succ m = n - m := Nat.succ_sub_succ_eq_sub n m
@[simp] theorem Nat.mul_one (n : Nat) : n * 1 = n := Nat.zero_add n
@[simp] theorem Nat.one_mul : (n : Nat) → 1 * n = n
  | 0 => rfl
  | Nat.succ n => congrArg Nat.succ (Nat.one_mul n)
@[simp] theorem Nat.sub_zero (n : Nat) : n - 0 = n := rfl
@[simp] theorem Nat.sub_self : (n : Nat) → n - n = 0
  | 0 => rfl
  | Nat.succ n => Eq.trans (Nat.succ_sub_succ_eq_sub n n) (Nat.sub_self n)
@[simp] theorem Nat.pow_zero (n : Nat) : n ^ 0 = 1 := rfl
theorem Nat.pow_succ (n m : Nat) : n ^ Nat.succ m = n ^ m * n := rfl
@[simp] theorem Nat.add_one_ne_zero (n : Nat) : n + 1 ≠ 0 := Nat.succ_ne_zero n
@[simp] theorem Nat.zero_ne_add_one (n : Nat) : 0 ≠ n + 1 := fun h => Nat.succ_ne_zero n (Eq.symm h)
@[simp] theorem Nat.succ_sub_one (n : Nat) : Nat.succ n - 1 = n := rfl
@[simp] theorem Nat.add_sub_cancel : (n m : Nat) → n + m - m = n
  | n, 0 => rfl
  | n, Nat.succ m => Eq.trans (Nat.succ_sub_succ_eq_sub (n + m) m) (Nat.add_sub_cancel n m)
@[simp] theorem Nat.succ.injEq (n m : Nat) : (Nat.succ n = Nat.succ m) = (n = m) :=
  propext ⟨fun h => congrArg Nat.pred h, fun h => congrArg Nat.succ h⟩
theorem Nat.mul_succ (n m : Nat) : n * Nat.succ m = n * m + n := rfl
theorem Nat.left_distrib : (n m k : Nat) → n * (m + k) = n * m + n * k
  | n, m, 0 => rfl
  | n, m, Nat.succ k => Eq.trans (congrArg (fun x => x + n) (Nat.left_distrib n m k)) (Nat.add_assoc (n * m) (n * k) n)
theorem Nat.mul_add (n m k : Nat) : n * (m + k) = n * m + n * k := Nat.left_distrib n m k
theorem Nat.succ_mul : (n m : Nat) → Nat.succ n * m = n * m + m
  | n, 0 => rfl
  | n, Nat.succ m => Eq.trans (congrArg (fun x => x + Nat.succ n) (Nat.succ_mul n m))
      (Eq.trans (Nat.add_assoc (n * m) m (Nat.succ n))
        (Eq.trans (congrArg (fun x => n * m + x) (Eq.trans (Nat.add_succ m n) (Eq.trans (congrArg Nat.succ (Nat.add_comm m n)) (Eq.symm (Nat.add_succ n m)))))
          (Eq.symm (Nat.add_assoc (n * m) n (Nat.succ m)))))
theorem Nat.mul_comm : (n m : Nat) → n * m = m * n
  | n, 0 => Eq.symm (Nat.zero_mul n)
  | n, Nat.succ m => Eq.trans (congrArg (fun x => x + n) (Nat.mul_comm n m)) (Eq.symm (Nat.succ_mul m n))
theorem Nat.right_distrib (n m k : Nat) : (n + m) * k = n * k + m * k :=
  Eq.trans (Nat.mul_comm (n + m) k) (Eq.trans (Nat.left_distrib k n m) (congr (congrArg HAdd.hAdd (Nat.mul_comm k n)) (Nat.mul_comm k m)))
theorem Nat.add_mul (n m k : Nat) : (n + m) * k = n * k + m * k := Nat.right_distrib n m k
theorem Nat.mul_assoc : (n m k : Nat) → n * m * k = n * (m * k)
  | n, m, 0 => rfl
  | n, m, Nat.succ k => Eq.trans (congrArg (fun x => x + n * m) (Nat.mul_assoc n m k)) (Eq.symm (Nat.left_distrib n (m * k) m))
theorem Nat.add_left_comm (n m k : Nat) : n + (m + k) = m + (n + k) :=
  Eq.trans (Eq.symm (Nat.add_assoc n m k)) (Eq.trans (congrArg (fun x => x + k) (Nat.add_comm n m)) (Nat.add_assoc m n k))
theorem Nat.add_right_comm (n m k : Nat) : n + m + k = n + k + m :=
  Eq.trans (Nat.add_assoc n m k) (Eq.trans (congrArg (fun x => n + x) (Nat.add_comm m k)) (Eq.symm (Nat.add_assoc n k m)))
attribute [simp] Nat.le_refl Nat.lt_succ_self
@[simp] theorem Nat.zero_le : (n : Nat) → 0 ≤ n
  | 0 => Nat.le.refl
  | Nat.succ n => Nat.le.step (Nat.zero_le n)
@[simp] theorem List.length_append {α : Type u} : (as bs : List α) → (as ++ bs).length = as.length + bs.length
  | [], bs => Eq.symm (Nat.zero_add _)
  | a :: as, bs => Eq.trans (congrArg Nat.succ (List.length_append as bs)) (Eq.symm (Nat.succ_add as.length bs.length))
theorem List.append_assoc {α : Type u} : (as bs cs : List α) → (as ++ bs) ++ cs = as ++ (bs ++ cs)
  | [], _, _ => rfl
  | a :: as, bs, cs => congrArg (List.cons a) (List.append_assoc as bs cs)
@[simp] theorem List.map_append {α : Type u} {β : Type v} (f : α → β) : (as bs : List α) → List.map f (as ++ bs) = List.map f as ++ List.map f bs
  | [], _ => rfl
  | a :: as, bs => congrArg (List.cons (f a)) (List.map_append f as bs)
@[simp] theorem List.length_map {α : Type u} {β : Type v} (f : α → β) : (as : List α) → (List.map f as).length = as.length
  | [] => rfl
  | a :: as => congrArg Nat.succ (List.length_map f as)
@[simp] theorem List.foldl_nil {α : Type u} {β : Type v} (f : α → β → α) (b : α) : List.foldl f b [] = b := rfl
@[simp] theorem List.foldl_cons {α : Type u} {β : Type v} (f : α → β → α) (b : α) (a : β) (l : List β) : List.foldl f b (a :: l) = List.foldl f (f b a) l := rfl
@[simp] theorem List.foldr_nil {α : Type u} {β : Type v} (f : α → β → β) (b : β) : List.foldr f b [] = b := rfl
@[simp] theorem List.foldr_cons {α : Type u} {β : Type v} (f : α → β → β) (b : β) (a : α) (l : List α) : List.foldr f b (a :: l) = f a (List.foldr f b l) := rfl
@[simp] theorem List.reverse_nil {α : Type u} : ([] : List α).reverse = [] := rfl
@[simp] theorem List.filter_nil {α : Type u} (p : α → Bool) : List.filter p [] = [] := rfl
@[simp] theorem List.cons.injEq {α : Type u} (a b : α) (as bs : List α) : (a :: as = b :: bs) = (a = b ∧ as = bs) :=
  propext ⟨fun h => ⟨congrArg (fun l => List.headD l a) h, congrArg List.tail h⟩, fun h => Eq.subst (motive := fun x => a :: as = x :: bs) h.1 (congrArg (List.cons a) h.2)⟩
@[simp] theorem Bool.true_and (b : Bool) : (true && b) = b := rfl
@[simp] theorem Bool.false_and (b : Bool) : (false && b) = false := rfl
@[simp] theorem Bool.and_true : (b : Bool) → (b && true) = b
  | true => rfl
  | false => rfl
@[simp] theorem Bool.and_false : (b : Bool) → (b && false) = false
  | true => rfl
  | false => rfl
@[simp] theorem Bool.true_or (b : Bool) : (true || b) = true := rfl
@[simp] theorem Bool.false_or (b : Bool) : (false || b) = b := rfl
@[simp] theorem Bool.or_true : (b : Bool) → (b || true) = true
  | true => rfl
  | false => rfl
@[simp] theorem Bool.or_false : (b : Bool) → (b || false) = b
  | true => rfl
  | false => rfl
@[simp] theorem Bool.not_true : (!true) = false := rfl
@[simp] theorem Bool.not_false : (!false) = true := rfl
@[simp] theorem Bool.not_not : (b : Bool) → (!!b) = b
  | true => rfl
  | false => rfl
@[simp] theorem Option.some.injEq {α : Type u} (a b : α) : (some a = some b) = (a = b) :=
  propext ⟨fun h => congrArg (fun o => Option.getD o a) h, fun h => congrArg some h⟩
@[simp] theorem Prod.mk.injEq {α : Type u} {β : Type v} (a c : α) (b d : β) : ((a, b) = (c, d)) = (a = c ∧ b = d) :=
  propext ⟨fun h => ⟨congrArg Prod.fst h, congrArg Prod.snd h⟩, fun h => Eq.subst (motive := fun x => (a, b) = (x, d)) h.1 (congrArg (Prod.mk a) h.2)⟩
@[simp] theorem id_eq {α : Sort u} (a : α) : id a = a := rfl

theorem Nat.succ_le_succ {n m : Nat} (h : n ≤ m) : Nat.succ n ≤ Nat.succ m :=
  Nat.le.rec (n := n) (motive := fun k _ => Nat.le (Nat.succ n) (Nat.succ k)) Nat.le.refl (fun _ ih => Nat.le.step ih) h
theorem Nat.lt_of_le_of_lt {n m k : Nat} (h₁ : n ≤ m) (h₂ : m < k) : n < k := Nat.le_trans (Nat.succ_le_succ h₁) h₂
theorem Nat.le_of_lt {n m : Nat} (h : n < m) : n ≤ m := Nat.le_trans (Nat.le_succ n) h
theorem Nat.lt_trans {n m k : Nat} (h₁ : n < m) (h₂ : m < k) : n < k := Nat.lt_of_lt_of_le h₁ (Nat.le_of_lt h₂)
theorem Nat.le_succ_of_le {n m : Nat} (h : n ≤ m) : n ≤ Nat.succ m := Nat.le.step h
theorem Iff.trans {a b c : Prop} (h₁ : a ↔ b) (h₂ : b ↔ c) : a ↔ c := ⟨fun h => h₂.mp (h₁.mp h), fun h => h₁.mpr (h₂.mpr h)⟩
theorem Eq.substr {α : Sort u} {p : α → Prop} {a b : α} (h₁ : b = a) (h₂ : p a) : p b := Eq.subst (Eq.symm h₁) h₂
theorem implies_congr {p₁ p₂ : Sort u} {q₁ q₂ : Sort v} (h₁ : p₁ = p₂) (h₂ : q₁ = q₂) : (p₁ → q₁) = (p₂ → q₂) :=
  Eq.subst (motive := fun x => (p₁ → q₁) = (x → q₂)) h₁ (Eq.subst (motive := fun y => (p₁ → q₁) = (p₁ → y)) h₂ rfl)
@[simp] theorem false_implies (p : Prop) : (False → p) = True := eq_true (fun h => False.elim h)
@[simp] theorem implies_true (α : Sort u) : (α → True) = True := eq_true (fun _ => trivial)
@[simp] theorem true_implies (p : Prop) : (True → p) = p := propext ⟨fun h => h trivial, fun h _ => h⟩
theorem eq_false_of_ne_true' {b : Bool} : ¬(b = true) → b = false := Bool.casesOn (motive := fun b => ¬(b = true) → b = false) b (fun _ => rfl) (fun h => False.elim (h rfl))
@[simp] theorem Bool.not_eq_true (b : Bool) : (¬(b = true)) = (b = false) :=
  propext ⟨eq_false_of_ne_true', fun h h' => Bool.false_ne_true (Eq.trans (Eq.symm h) h')⟩
@[simp] theorem Bool.not_eq_false (b : Bool) : (¬(b = false)) = (b = true) :=
  propext ⟨Bool.casesOn (motive := fun b => ¬(b = false) → b = true) b (fun h => False.elim (h rfl)) (fun _ => rfl), fun h h' => Bool.false_ne_true (Eq.trans (Eq.symm h') h)⟩
theorem forall_congr {α : Sort u} {p q : α → Prop} (h : ∀ a, p a = q a) : (∀ a, p a) = (∀ a, q a) :=
  let e : p = q := funext (f := p) (g := q) h
  Eq.subst (motive := fun (r : α → Prop) => (∀ a, p a) = (∀ a, r a)) e rfl
@[simp] theorem gt_iff_lt {α : Type u} [LT α] {a b : α} : a > b ↔ b < a := ⟨fun h => h, fun h => h⟩
@[simp] theorem ge_iff_le {α : Type u} [LE α] {a b : α} : a ≥ b ↔ b ≤ a := ⟨fun h => h, fun h => h⟩
attribute [simp] Nat.zero_lt_succ
@[simp] theorem Nat.lt_add_one (n : Nat) : n < n + 1 := Nat.lt_succ_self n
@[simp] theorem Nat.zero_lt_add_one (n : Nat) : 0 < n + 1 := Nat.zero_lt_succ n
@[simp] theorem Nat.succ_pos (n : Nat) : 0 < Nat.succ n := Nat.zero_lt_succ n
@[simp] theorem Nat.not_lt_zero (n : Nat) : ¬n < 0 := fun h => Nat.not_succ_le_zero n h
theorem List.reverseAux_eq {α : Type u} : (as bs : List α) → List.reverseAux as bs = List.reverseAux as [] ++ bs
  | [], bs => rfl
  | a :: as, bs => by
    show List.reverseAux as (a :: bs) = List.reverseAux as [a] ++ bs
    rw [List.reverseAux_eq as (a :: bs), List.reverseAux_eq as [a], List.append_assoc]
    rfl
@[simp] theorem List.reverse_cons {α : Type u} (a : α) (as : List α) : (a :: as).reverse = as.reverse ++ [a] :=
  List.reverseAux_eq as [a]
@[simp] theorem List.reverse_append {α : Type u} (as bs : List α) : (as ++ bs).reverse = bs.reverse ++ as.reverse := by
  induction as with
  | nil => simp [List.reverse]
  | cons a as ih => simp [ih, List.append_assoc]
@[simp] theorem List.reverse_reverse {α : Type u} (as : List α) : as.reverse.reverse = as := by
  induction as with
  | nil => rfl
  | cons a as ih => simp [ih]
@[simp] theorem List.length_reverse {α : Type u} (as : List α) : as.reverse.length = as.length := by
  induction as with
  | nil => rfl
  | cons a as ih => simp [ih]
@[simp] theorem List.map_map {α : Type u} {β : Type v} {γ : Type w} (g : β → γ) (f : α → β) (l : List α) :
    List.map g (List.map f l) = List.map (fun x => g (f x)) l := by
  induction l with
  | nil => rfl
  | cons a l ih => simp [ih]
theorem Nat.le_add_right : (n k : Nat) → n ≤ n + k
  | _, 0 => Nat.le.refl
  | n, Nat.succ k => Nat.le.step (Nat.le_add_right n k)
theorem Nat.le_add_left (n m : Nat) : n ≤ m + n :=
  Eq.subst (motive := fun x => n ≤ x) (Nat.add_comm n m) (Nat.le_add_right n m)
attribute [simp] Nat.le_add_right Nat.le_add_left
