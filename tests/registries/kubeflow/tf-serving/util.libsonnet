{
  // "true"/"True"/true and non-zero numbers are true; everything else is false.
  toBool(x):: if std.type(x) == "boolean" then x
              else if std.type(x) == "string" then std.asciiUpper(x) == "TRUE"
              else if std.type(x) == "number" then x != 0
              else false,
}
