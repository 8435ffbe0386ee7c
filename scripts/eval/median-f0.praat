# Median F0 (Hz) of each WAV named in a list file (one absolute path a line), written as "path<TAB>median" lines
# (median "--undefined--" when no frame is voiced). Pitch range 60–500 Hz, Praat's default autocorrelation method.
# Usage: praat --run /abs/median-f0.praat /abs/list.txt /abs/out.tsv
form Median F0
    sentence List
    sentence Out
endform
files = Read Strings from raw text file: list$
n = Get number of strings
writeFile: out$, ""
for i to n
    selectObject: files
    path$ = Get string: i
    if path$ <> ""
        sound = Read from file: path$
        pitch = To Pitch: 0, 60, 500
        median = Get quantile: 0, 0, 0.5, "Hertz"
        appendFileLine: out$, path$, tab$, fixed$(median, 1)
        removeObject: sound, pitch
    endif
endfor
removeObject: files
