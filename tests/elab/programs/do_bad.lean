def notMut : IO Unit := do
  let x := 1
  x := 2
  IO.println x

def notUnit : IO Unit := do
  pure 5
  IO.println "x"

def brk : IO Unit := do
  break

def pureDo (n : Nat) : Nat := do
  return n

def wrongRet : IO Nat := do
  return "no"

def okAfter : IO Unit := do
  IO.println "still checked"

example : (2 : Int) - 5 = 3 := rfl

example : (#[1, 2].push 3).size = 2 := rfl
